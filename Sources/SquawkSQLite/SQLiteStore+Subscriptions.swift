import Foundation
import GRDB
import SquawkCore
import SquawkStore

// MARK: - SubscriptionStore

extension SQLiteStore: SubscriptionStore, SecretResealing {
    /// Inserts the subscription, its first secret and the idempotency record (``createOne``), in
    /// one transaction shared with the creates waiting at the same time (``CreateBatcher``).
    public func create(_ subscription: Subscription, secret: SigningSecret, idempotency: IdempotencyRecord?) async throws -> (Subscription, created: Bool) {
        try await creates.create(CreateBatcher.Request(subscription: subscription, secret: secret, idempotency: idempotency)) { [self] in
            await commitCreates($0)
        }
    }

    /// One transaction for a batch of creates (``CreateBatcher``), each in a savepoint; the read
    /// cache forgets every id after the commit.
    func commitCreates(_ requests: [CreateBatcher.Request]) async -> [CreateBatcher.Outcome] {
        defer { readCache.remove(requests.map(\.subscription.id)) }
        do {
            return try await write { db in
                try requests.map { request in
                    var outcome: CreateBatcher.Outcome!
                    try db.inSavepoint {
                        do {
                            outcome = .success(try Self.createOne(db, request, sealer: self.sealer))
                            return .commit
                        } catch let error as DatabaseError {
                            outcome = .failure(StoreError(error))
                        } catch {
                            outcome = .failure(error)
                        }
                        return .rollback
                    }
                    return outcome
                }
            }
        } catch {
            return requests.map { _ in .failure(error) }
        }
    }

    /// Inserts the subscription, its first secret and the idempotency record. The idempotency
    /// record is keyed by `(subscription.ownerKeyId, idempotency.key)` and points at
    /// `subscription.id` (its own `subscriptionId` is not consulted). It is deleted with its
    /// subscription, so after a delete the same key creates afresh.
    static func createOne(_ db: Database, _ request: CreateBatcher.Request, sealer: SecretSealer?) throws -> (Subscription, created: Bool) {
        let subscription = request.subscription
        if let idempotency = request.idempotency {
            let previous = try Row.fetchOne(
                db, sql: "SELECT request_hash, subscription_id FROM idempotency_keys WHERE owner_key_id = ? AND idempotency_key = ?",
                arguments: [subscription.ownerKeyId, idempotency.key])
            if let previous {
                let hash: String = previous[0]
                guard hash == idempotency.requestHash else {
                    throw StoreError(.conflict, "the idempotency key was already used with a different request")
                }
                guard let existing = try fetchSubscription(db, id: previous[1], owner: subscription.ownerKeyId) else {
                    throw StoreError(.notFound, "the subscription of this idempotency key no longer exists")
                }
                return (existing, false)
            }
        }
        try insert(db, subscription, secret: request.secret, sealer: sealer)
        if let idempotency = request.idempotency {
            try db.cachedStatement(sql: """
                INSERT INTO idempotency_keys (owner_key_id, idempotency_key, request_hash, subscription_id, created_at)
                VALUES (?, ?, ?, ?, ?)
                """).execute(arguments: [subscription.ownerKeyId, idempotency.key, idempotency.requestHash,
                                         subscription.id, subscription.createdAt.timeIntervalSince1970])
        }
        return (subscription, true)
    }

    public func get(id: String, owner: String) async throws -> Subscription? {
        try await cached(id: id, owner: owner)?.subscription
    }

    public func detail(id: String, owner: String, now: Date) async throws -> (Subscription, [SecretDates])? {
        guard let e = try await cached(id: id, owner: owner) else { return nil }
        return (e.subscription, e.secrets.filter { $0.expiresAt.map { $0 > now } ?? true })
    }

    /// From ``SubscriptionReadCache``, or read (subscription and secret dates together) and kept.
    private func cached(id: String, owner: String) async throws -> SubscriptionReadCache.Entry? {
        await checkOtherConnections()
        if let e = readCache.entry(id, owner: owner) { return e }
        let generation = readCache.generation
        let entry = try await read { db -> SubscriptionReadCache.Entry? in
            guard let s = try Self.fetchSubscription(db, id: id, owner: owner) else { return nil }
            let secrets = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT created_at, expires_at FROM subscription_secrets WHERE subscription_id = ?
                ORDER BY expires_at IS NULL DESC, created_at DESC
                """), arguments: [id]).prefix(SigningSecret.maxLive).map {
                SecretDates(createdAt: Date(timeIntervalSince1970: $0[0]), expiresAt: ($0[1] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
            return SubscriptionReadCache.Entry(subscription: s, secrets: Array(secrets))
        }
        if let entry { readCache.store(entry, generation: generation) }
        return entry
    }

    /// The read cache's generation: every write of this store that changes a subscription or
    /// its secrets moves it, and so does another connection's commit once seen.
    public func readVersion() async -> UInt64? {
        await checkOtherConnections()
        return readCache.generation
    }

    /// Drops the read cache when another connection committed since the last check (at most
    /// one check per ``SubscriptionReadCache/checkInterval``).
    private func checkOtherConnections() async {
        guard writer is DatabasePool, readCache.checkDue() else { return }
        // Another connection's commits move the writer connection's data_version; its own do not.
        let version = try? await writer.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA data_version") }
        readCache.checked(dataVersion: version ?? nil)
    }

    /// `owner_key_id = ? [AND filters] AND id > after ORDER BY id LIMIT limit + 1`; the extra row
    /// only says whether there is a next page. `limit` below 1 is treated as 1.
    public func list(_ query: SubscriptionQuery) async throws -> Page<Subscription> {
        var clauses = ["owner_key_id = ?"]
        var arguments: StatementArguments = [query.ownerKeyId]
        if let kind = query.targetKind { clauses.append("target_kind = ?"); arguments += [kind.rawValue] }
        if let targetId = query.targetId { clauses.append("target_id = ?"); arguments += [targetId] }
        if let status = query.status { clauses.append("status = ?"); arguments += [status.rawValue] }
        if let format = query.format { clauses.append("format = ?"); arguments += [format.rawValue] }
        if let after = query.after { clauses.append("id > ?"); arguments += [after] }
        let limit = max(1, query.limit)
        arguments += [limit + 1]
        let sql = "SELECT \(SubscriptionColumns.list) FROM subscriptions WHERE \(clauses.joined(separator: " AND ")) ORDER BY id LIMIT ?"
        let sendableArguments = arguments
        return try await read { db in
            var cache = SubscriptionColumns.Cache()
            var items = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: sendableArguments).map { try SubscriptionColumns.decode($0, cache: &cache) }
            guard items.count > limit else { return Page(items: items, nextCursor: nil) }
            items.removeLast(items.count - limit)
            return Page(items: items, nextCursor: items.last?.id)
        }
    }

    public func update(_ subscription: Subscription) async throws {
        let s = subscription
        defer { readCache.remove([s.id]) }
        try await write { db in
            try db.execute(sql: """
                UPDATE subscriptions SET events = ?, notify_endpoint = ?, format = ?, description = ?, metadata = ?,
                    server = ?, expires_at = ?, status = ?, disabled_reason = ?, updated_at = ?, filters = ?, delivery_options = ?,
                    new_deliveries_due_at = NULL
                WHERE id = ? AND owner_key_id = ?
                """, arguments: [
                    RowCoding.encodeEvents(s.events), s.notifyEndpoint, s.format.rawValue, s.description,
                    RowCoding.encodeMetadata(s.metadata), s.server, s.expiresAt?.timeIntervalSince1970,
                    s.status.rawValue, s.disabledReason, s.updatedAt.timeIntervalSince1970, RowCoding.encodeFilters(s.filters),
                    RowCoding.encodeDeliveryOptions(s.delivery), s.id, s.ownerKeyId,
                ])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no such subscription") }
        }
    }

    /// Deletes the subscription; its secrets and idempotency records go with it (`ON DELETE CASCADE`).
    public func delete(id: String, owner: String) async throws -> Bool {
        defer { readCache.remove([id]) }
        return try await write { db in
            try db.execute(sql: "DELETE FROM subscriptions WHERE id = ? AND owner_key_id = ?", arguments: [id, owner])
            return db.changesCount > 0
        }
    }

    /// In one transaction: the current secret gets `expires_at = previousExpiresAt`, secrets
    /// expired at `newSecret.createdAt` (including that one, for a rotation without overlap) are
    /// deleted, and `newSecret` is inserted as current.
    public func rotateSecret(id: String, owner: String, newSecret: SigningSecret, previousExpiresAt: Date) async throws {
        defer { readCache.remove([id]) }
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM subscriptions WHERE id = ? AND owner_key_id = ?", arguments: [id, owner]) != nil else {
                throw StoreError(.notFound, "no such subscription")
            }
            let now = newSecret.createdAt.timeIntervalSince1970
            // The current secret expires at `previousExpiresAt`, and no older one outlives it
            // (so `expiresIn: 0` stops every old secret at once).
            try db.execute(sql: "UPDATE subscription_secrets SET expires_at = ? WHERE subscription_id = ? AND (expires_at IS NULL OR expires_at > ?)",
                           arguments: [previousExpiresAt.timeIntervalSince1970, id, previousExpiresAt.timeIntervalSince1970])
            try db.execute(sql: "DELETE FROM subscription_secrets WHERE subscription_id = ? AND expires_at <= ?", arguments: [id, now])
            try db.execute(sql: "INSERT INTO subscription_secrets (subscription_id, secret, created_at, expires_at) VALUES (?, ?, ?, NULL)",
                           arguments: [id, self.sealer.seal(newSecret.secret), now])
            try db.execute(sql: """
                DELETE FROM subscription_secrets WHERE subscription_id = ? AND secret NOT IN
                  (SELECT secret FROM subscription_secrets WHERE subscription_id = ? ORDER BY expires_at IS NULL DESC, created_at DESC LIMIT ?)
                """, arguments: [id, id, SigningSecret.maxLive])
        }
    }

    /// Secrets with no expiry or an expiry after `now`: the current one first, then the
    /// rotated-out ones, newest first.
    public func secrets(subscriptionId: String, now: Date) async throws -> [SigningSecret] {
        try await read { db in try Self.validSecrets(db, subscriptionIds: [subscriptionId], now: now, sealer: self.sealer)[subscriptionId] ?? [] }
    }

    /// Sets status and reason (whatever the owner) and `updated_at = at`; `.notFound` when absent.
    public func setStatus(id: String, status: SubscriptionStatus, reason: String?, at: Date) async throws {
        defer { readCache.remove([id]) }
        try await write { db in
            try db.execute(sql: "UPDATE subscriptions SET status = ?, disabled_reason = ?, updated_at = ? WHERE id = ?",
                           arguments: [status.rawValue, reason, at.timeIntervalSince1970, id])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "no such subscription") }
        }
    }

    /// Every active subscription, ordered by id, read from one snapshot with a cursor.
    public func allActive() async throws -> [Subscription] {
        try await read { db in
            var cache = SubscriptionColumns.Cache()
            var result: [Subscription] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT \(SubscriptionColumns.list) FROM subscriptions WHERE status = 'active' ORDER BY id")
            while let row = try rows.next() {
                result.append(try SubscriptionColumns.decode(row, cache: &cache))
            }
            return result
        }
    }

    public func count() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM subscriptions") ?? 0 }
    }

    public func count(owner: String) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM subscriptions WHERE owner_key_id = ?"), arguments: [owner]) ?? 0
        }
    }

    // MARK: - Bulk

    /// Inserts many subscriptions (each with its first secret) in one transaction, for imports and
    /// benchmarks. All or nothing: any failure rolls the whole batch back.
    public func createBatch(_ items: [(Subscription, SigningSecret)]) async throws {
        let items = items.map { Pair(subscription: $0.0, secret: $0.1) }
        defer { readCache.remove(items.map(\.subscription.id)) }
        try await write { db in
            for item in items { try Self.insert(db, item.subscription, secret: item.secret, sealer: self.sealer) }
        }
    }

    /// A subscription with its first secret (a Sendable tuple stand-in).
    private struct Pair: Sendable {
        var subscription: Subscription
        var secret: SigningSecret
    }

    // MARK: - Secrets at rest

    public func resealSecrets(with newSealer: SecretSealer?) async throws -> Int {
        defer { readCache.removeAll() }
        let sealer = self.sealer
        return try await write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT subscription_id, secret FROM subscription_secrets")
            for row in rows {
                let id: String = row[0], raw: String = row[1]
                let plain: String
                do throws(SecretSealer.KeyError) { plain = try sealer.open(raw) } catch { throw StoreError(.unavailable, error.description) }
                try db.execute(sql: "UPDATE subscription_secrets SET secret = ? WHERE subscription_id = ? AND secret = ?",
                               arguments: [newSealer.seal(plain), id, raw])
            }
            return rows.count
        }
    }

    // MARK: - Statements

    /// Inserts a subscription row and its current secret.
    static func insert(_ db: Database, _ subscription: Subscription, secret: SigningSecret, sealer: SecretSealer?) throws {
        try db.cachedStatement(sql: SubscriptionColumns.insertSQL).execute(arguments: SubscriptionColumns.arguments(subscription))
        try db.cachedStatement(sql: "INSERT INTO subscription_secrets (subscription_id, secret, created_at, expires_at) VALUES (?, ?, ?, ?)")
            .execute(arguments: [subscription.id, sealer.seal(secret.secret), secret.createdAt.timeIntervalSince1970,
                                 secret.expiresAt?.timeIntervalSince1970])
    }

    /// The secrets of each subscription that are valid at `now` (no expiry, or an expiry after
    /// `now`), current first, then rotated-out ones, newest first. Subscriptions with none are absent.
    /// One query for any number of subscriptions (the dispatcher's claims need many at once).
    static func validSecrets(_ db: Database, subscriptionIds: [String], now: Date, sealer: SecretSealer?) throws -> [String: [SigningSecret]] {
        var result: [String: [SigningSecret]] = [:]
        try DirectStatement(db, sql: """
            SELECT subscription_id, secret, created_at, expires_at FROM subscription_secrets
            WHERE subscription_id IN (SELECT value FROM json_each(?)) AND (expires_at IS NULL OR expires_at > ?)
            ORDER BY subscription_id, expires_at IS NULL DESC, created_at DESC
            """).run([.text(jsonArray(subscriptionIds)), .real(now.timeIntervalSince1970)]) { row in
            let id = row.text(0)
            // Never more than `maxLive`, even for rows written before rotation was bounded.
            guard result[id, default: []].count < SigningSecret.maxLive else { return }
            let raw = row.text(1)
            let secret: String
            do throws(SecretSealer.KeyError) { secret = try sealer.open(raw) } catch { throw StoreError(.unavailable, error.description) }
            result[id, default: []].append(SigningSecret(secret: secret, createdAt: Date(timeIntervalSince1970: row.real(2)),
                                                                  expiresAt: row.optionalReal(3).map(Date.init(timeIntervalSince1970:))))
        }
        return result
    }

    /// One owner's subscription by id.
    static func fetchSubscription(_ db: Database, id: String, owner: String) throws -> Subscription? {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(SubscriptionColumns.list) FROM subscriptions WHERE id = ? AND owner_key_id = ?"), arguments: [id, owner]) else {
            return nil
        }
        var cache = SubscriptionColumns.Cache()
        return try SubscriptionColumns.decode(row, cache: &cache)
    }
}
