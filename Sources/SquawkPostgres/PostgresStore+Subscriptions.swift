import Foundation
import PostgresNIO
import SquawkCore
import SquawkStore

// MARK: - SubscriptionStore

extension PostgresStore: SubscriptionStore, SecretResealing {
    /// Inserts the subscription, its first secret and the idempotency record in one transaction.
    /// Creates under one (owner, idempotency key) are serialised by a transaction-scoped advisory
    /// lock, so two instances retrying the same request at once still create one subscription.
    public func create(_ subscription: Subscription, secret: SigningSecret, idempotency: IdempotencyRecord?) async throws -> (Subscription, created: Bool) {
        try await transaction { conn in
            if let idempotency {
                let lock = "squawk.idempotency:" + subscription.ownerKeyId + " " + idempotency.key
                try await conn.query("SELECT pg_advisory_xact_lock(hashtext(\(lock)))", logger: self.logger)
                let previous = try await self.rows(conn, """
                    SELECT request_hash, subscription_id FROM idempotency_keys WHERE owner_key_id = \(subscription.ownerKeyId)
                        AND idempotency_key = \(idempotency.key)
                    """)
                if let previous = previous.first {
                    guard try previous[0].decode(String.self) == idempotency.requestHash else {
                        throw StoreError(.conflict, "the idempotency key was already used with a different request")
                    }
                    guard let existing = try await self.fetchSubscription(conn, id: try previous[1].decode(String.self), owner: subscription.ownerKeyId) else {
                        throw StoreError(.notFound, "the subscription of this idempotency key no longer exists")
                    }
                    return (existing, false)
                }
            }
            try await self.insert(conn, subscription, secret: secret)
            if let idempotency {
                try await conn.query("""
                    INSERT INTO idempotency_keys (owner_key_id, idempotency_key, request_hash, subscription_id, created_at)
                    VALUES (\(subscription.ownerKeyId), \(idempotency.key), \(idempotency.requestHash), \(subscription.id), \(subscription.createdAt.pg))
                    """, logger: self.logger)
            }
            return (subscription, true)
        }
    }

    public func get(id: String, owner: String) async throws -> Subscription? {
        try await read { conn in try await self.fetchSubscription(conn, id: id, owner: owner) }
    }

    /// `owner_key_id = $ [AND filters] AND id > after ORDER BY id LIMIT limit + 1`; the extra row
    /// only says whether there is a next page. `limit` below 1 is treated as 1.
    public func list(_ query: SubscriptionQuery) async throws -> Page<Subscription> {
        var binds = PostgresBindings()
        binds.append(query.ownerKeyId)
        var clauses = ["owner_key_id = $1"]
        func add(_ column: String, _ op: String, _ value: String?) {
            guard let value else { return }
            binds.append(value)
            clauses.append("\(column) \(op) $\(binds.count)")
        }
        add("target_kind", "=", query.targetKind?.rawValue)
        add("target_id", "=", query.targetId)
        add("status", "=", query.status?.rawValue)
        add("format", "=", query.format?.rawValue)
        add("id", ">", query.after)
        let limit = max(1, query.limit)
        binds.append(limit + 1)
        let sql = """
            SELECT \(PostgresColumns.subscription) FROM subscriptions WHERE \(clauses.joined(separator: " AND "))
            ORDER BY id LIMIT $\(binds.count)
            """
        let statement = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await read { conn in
            var cache: [String: Set<EventType>] = [:]
            var items = try await self.rows(conn, statement).map { try PostgresColumns.decodeSubscription($0, cache: &cache) }
            guard items.count > limit else { return Page(items: items, nextCursor: nil) }
            items.removeLast(items.count - limit)
            return Page(items: items, nextCursor: items.last?.id)
        }
    }

    public func update(_ subscription: Subscription) async throws {
        let s = subscription
        try await transaction { conn in
            let updated = try await self.rows(conn, """
                UPDATE subscriptions SET events = \(RowCoding.encodeEvents(s.events)), notify_endpoint = \(s.notifyEndpoint),
                    format = \(s.format.rawValue), description = \(s.description), metadata = \(RowCoding.encodeMetadata(s.metadata))::json,
                    server = \(s.server), expires_at = \(s.expiresAt?.pg)::timestamptz, status = \(s.status.rawValue),
                    disabled_reason = \(s.disabledReason), updated_at = \(s.updatedAt.pg),
                    filters = \(RowCoding.encodeFilters(s.filters))::json,
                    delivery_options = \(RowCoding.encodeDeliveryOptions(s.delivery))::json, new_deliveries_due_at = NULL
                WHERE id = \(s.id) AND owner_key_id = \(s.ownerKeyId)
                RETURNING id
                """)
            guard !updated.isEmpty else { throw StoreError(.notFound, "no such subscription") }
        }
    }

    /// Deletes the subscription; its secrets, idempotency records and deliveries go with it
    /// (`ON DELETE CASCADE`).
    public func delete(id: String, owner: String) async throws -> Bool {
        try await transaction { conn in
            !(try await self.rows(conn, "DELETE FROM subscriptions WHERE id = \(id) AND owner_key_id = \(owner) RETURNING id").isEmpty)
        }
    }

    /// In one transaction: the current secret gets `expires_at = previousExpiresAt`, secrets
    /// expired at `newSecret.createdAt` are deleted, and `newSecret` is inserted as current.
    public func rotateSecret(id: String, owner: String, newSecret: SigningSecret, previousExpiresAt: Date) async throws {
        try await transaction { conn in
            guard !(try await self.rows(conn, "SELECT 1 FROM subscriptions WHERE id = \(id) AND owner_key_id = \(owner) FOR UPDATE").isEmpty) else {
                throw StoreError(.notFound, "no such subscription")
            }
            let now = newSecret.createdAt.pg
            try await conn.query("""
                UPDATE subscription_secrets SET expires_at = \(previousExpiresAt.pg)
                WHERE subscription_id = \(id) AND (expires_at IS NULL OR expires_at > \(previousExpiresAt.pg))
                """, logger: self.logger)
            try await conn.query("DELETE FROM subscription_secrets WHERE subscription_id = \(id) AND expires_at <= \(now)", logger: self.logger)
            try await conn.query("""
                INSERT INTO subscription_secrets (subscription_id, secret, created_at, expires_at) VALUES (\(id), \(sealer.seal(newSecret.secret)), \(now), NULL)
                """, logger: self.logger)
            try await conn.query("""
                DELETE FROM subscription_secrets WHERE subscription_id = \(id) AND ctid NOT IN
                  (SELECT ctid FROM subscription_secrets WHERE subscription_id = \(id)
                   ORDER BY (expires_at IS NULL) DESC, created_at DESC LIMIT \(SigningSecret.maxLive))
                """, logger: self.logger)
        }
    }

    public func resealSecrets(with newSealer: SecretSealer?) async throws -> Int {
        try await transaction { conn in
            let rows = try await self.rows(conn, "SELECT subscription_id, secret FROM subscription_secrets FOR UPDATE")
            for r in rows {
                let id = try r[0].decode(String.self), raw = try r[1].decode(String.self)
                let plain: String
                do throws(SecretSealer.KeyError) { plain = try self.sealer.open(raw) } catch { throw StoreError(.unavailable, error.description) }
                try await conn.query("UPDATE subscription_secrets SET secret = \(newSealer.seal(plain)) WHERE subscription_id = \(id) AND secret = \(raw)",
                                     logger: self.logger)
            }
            return rows.count
        }
    }

    public func secrets(subscriptionId: String, now: Date) async throws -> [SigningSecret] {
        try await read { conn in try await self.validSecrets(conn, subscriptionIds: [subscriptionId], now: now)[subscriptionId] ?? [] }
    }

    public func setStatus(id: String, status: SubscriptionStatus, reason: String?, at: Date) async throws {
        try await transaction { conn in
            let updated = try await self.rows(conn, """
                UPDATE subscriptions SET status = \(status.rawValue), disabled_reason = \(reason), updated_at = \(at.pg)
                WHERE id = \(id) RETURNING id
                """)
            guard !updated.isEmpty else { throw StoreError(.notFound, "no such subscription") }
        }
    }

    /// Every active subscription, ordered by id (streamed from one query).
    public func allActive() async throws -> [Subscription] {
        try await read { conn in
            var cache: [String: Set<EventType>] = [:]
            var result: [Subscription] = []
            let rows = try await conn.query("SELECT \(unescaped: PostgresColumns.subscription) FROM subscriptions WHERE status = 'active' ORDER BY id",
                                            logger: self.logger)
            for try await row in rows {
                result.append(try PostgresColumns.decodeSubscription(row.makeRandomAccess(), cache: &cache))
            }
            return result
        }
    }

    public func count() async throws -> Int {
        try await read { conn in
            try await self.rows(conn, "SELECT count(*) FROM subscriptions").first?[0].decode(Int.self) ?? 0
        }
    }

    public func count(owner: String) async throws -> Int {
        try await read { conn in
            try await self.rows(conn, "SELECT count(*) FROM subscriptions WHERE owner_key_id = \(owner)").first?[0].decode(Int.self) ?? 0
        }
    }

    // MARK: - Bulk

    /// Inserts many subscriptions (each with its first secret) in one transaction, for imports and
    /// benchmarks. All or nothing.
    public func createBatch(_ items: [(Subscription, SigningSecret)]) async throws {
        let items = items.map { SubscriptionWithSecret(subscription: $0.0, secret: $0.1) }
        try await transaction { conn in
            for item in items { try await self.insert(conn, item.subscription, secret: item.secret) }
        }
    }

    /// A subscription with its first secret (a Sendable tuple stand-in).
    private struct SubscriptionWithSecret: Sendable {
        var subscription: Subscription
        var secret: SigningSecret
    }

    // MARK: - Statements

    /// Inserts a subscription row and its current secret.
    func insert(_ conn: PostgresConnection, _ subscription: Subscription, secret: SigningSecret) async throws {
        var binds = PostgresBindings()
        PostgresColumns.bindSubscription(subscription, into: &binds)
        try await conn.query(PostgresQuery(unsafeSQL: PostgresColumns.insertSubscription, binds: binds), logger: logger)
        try await conn.query("""
            INSERT INTO subscription_secrets (subscription_id, secret, created_at, expires_at)
            VALUES (\(subscription.id), \(sealer.seal(secret.secret)), \(secret.createdAt.pg), \(secret.expiresAt?.pg)::timestamptz)
            """, logger: logger)
    }

    /// The secrets of each subscription valid at `now`, current first, then rotated-out ones,
    /// newest first; subscriptions with none are absent. One query for any number of them.
    func validSecrets(_ conn: PostgresConnection, subscriptionIds: [String], now: Date) async throws -> [String: [SigningSecret]] {
        var result: [String: [SigningSecret]] = [:]
        for r in try await rows(conn, """
            SELECT subscription_id, secret, created_at, expires_at FROM subscription_secrets
            WHERE subscription_id = ANY(\(subscriptionIds)) AND (expires_at IS NULL OR expires_at > \(now.pg))
            ORDER BY subscription_id, expires_at IS NULL DESC, created_at DESC
            """) {
            let id = try r[0].decode(String.self)
            // Never more than `maxLive`, even for rows written before rotation was bounded.
            guard result[id, default: []].count < SigningSecret.maxLive else { continue }
            let secret: String
            do { secret = try sealer.open(try r[1].decode(String.self)) } catch let e as SecretSealer.KeyError {
                throw StoreError(.unavailable, e.description)
            }
            result[id, default: []].append(SigningSecret(
                secret: secret, createdAt: try r[2].decode(PostgresTimestamp.self).date,
                expiresAt: try r[3].decode(PostgresTimestamp?.self)?.date))
        }
        return result
    }

    /// One owner's subscription by id.
    func fetchSubscription(_ conn: PostgresConnection, id: String, owner: String) async throws -> Subscription? {
        var cache: [String: Set<EventType>] = [:]
        return try await rows(conn, """
            SELECT \(unescaped: PostgresColumns.subscription) FROM subscriptions WHERE id = \(id) AND owner_key_id = \(owner)
            """).first.map { try PostgresColumns.decodeSubscription($0, cache: &cache) }
    }
}
