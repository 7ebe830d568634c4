import Foundation
import PostgresNIO
import SquawkCore
import SquawkStore

// MARK: - DeliveryStore

/// The outbox and delivery log on PostgreSQL (schema: ``PostgresMigration0003Deliveries``), with
/// the semantics of the SQLite backend, for several instances at once:
///
/// - **Batches:** `enqueue`, `claim` and `complete` each run in one transaction whatever the
///   batch size, with multi-row statements (sets of ids travel as one `text[]`).
/// - **Sharing:** claims select due rows `FOR UPDATE SKIP LOCKED` and lease them, so dispatchers
///   on every instance take disjoint work without waiting for each other.
/// - **Sequences:** `enqueue` locks the subscriptions it numbers (`FOR UPDATE`, in id order), so
///   concurrent enqueues keep each subscription's sequence gapless and unique.
/// - **Ordering:** a delivery is claimable only while no earlier delivery of its ordering group
///   is unfinished (see ``PostgresMigration0003Deliveries``).
/// - **Owners** and **time:** as in ``SubscriptionStore``; every date comes from the caller.
extension PostgresStore: DeliveryStore {
    /// In one transaction: events not yet stored are inserted (an id already stored, or repeated
    /// in the batch, is skipped with all its deliveries), and each gets one pending delivery, due
    /// at `now`, per listed subscription that exists and is active. Each subscription's
    /// deliveries are numbered 1, 2, 3… in batch order, without gaps.
    ///
    /// With `commit`: its states are saved in the same transaction, and its fence is checked
    /// last, just before the commit (``checkFence(_:_:)``).
    public func enqueue(_ events: [(event: FlightEvent, subscriptionIds: [String])], now: Date, commit: PollCommit?) async throws -> Int {
        guard !events.isEmpty || commit != nil else { return 0 }
        let items = try events.map { EnqueuedEvent(event: $0.event, data: try RowCoding.encodeEventData($0.event.data), subscriptionIds: $0.subscriptionIds) }
        let subscriptionIds = Array(Set(items.flatMap(\.subscriptionIds))).sorted()
        return try await transaction { conn in
            let created = try await self.insert(items, subscriptionIds: subscriptionIds, now: now, conn)
            if let commit {
                try await self.savePollerStates(commit.states, at: commit.at, conn)
                // Last, so the lease row is locked only for the commit, not while the rows go in
                // (a long lock would hold up the holder's own renewals).
                if let fence = commit.fence { try await self.checkFence(fence, conn) }
            }
            return created
        }
    }

    /// `enqueue`'s rows, inside its transaction.
    private func insert(_ items: [EnqueuedEvent], subscriptionIds: [String], now: Date, _ conn: PostgresConnection) async throws -> Int {
        guard !items.isEmpty else { return 0 }
        // The counters first, locked in id order (the same order every writer uses).
        var lastSequence: [String: Int64] = [:]
        var dueAt: [String: Date] = [:]
        for r in try await self.rows(conn, """
            SELECT id, last_delivery_sequence, new_deliveries_due_at FROM subscriptions WHERE status = 'active' AND id = ANY(\(subscriptionIds))
            ORDER BY id FOR UPDATE
            """) {
            let id = try r[0].decode(String.self)
            lastSequence[id] = try r[1].decode(Int64.self)
            if let held = try r[2].decode(PostgresTimestamp?.self)?.date, held > now { dueAt[id] = held }
        }

        // New events: one per id (the first of the batch), those already stored skipped.
        var firstOfId = Set<String>()
        let fresh = items.filter { firstOfId.insert($0.event.id).inserted }
        var inserted = Set<String>()
        for chunk in fresh.chunked(PostgresColumns.rowsPerStatement) {
            var binds = PostgresBindings(capacity: chunk.count * 14)
            for item in chunk { PostgresColumns.bindEvent(item.event, data: item.data, createdAt: now, into: &binds) }
            let sql = """
                INSERT INTO events (\(PostgresColumns.eventInsertColumns))
                VALUES \(PostgresColumns.valuesList(rows: chunk.count, casts: PostgresColumns.eventInsertCasts))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """
            for r in try await self.rows(conn, PostgresQuery(unsafeSQL: sql, binds: binds)) { inserted.insert(try r[0].decode(String.self)) }
        }

        // Deliveries, numbered per subscription in batch order.
        var planned: [PlannedDelivery] = []
        var rng = IDRandom()
        var deliveryIds = Identifiers.Monotonic(prefix: "dlv", at: now, using: &rng)
        for item in fresh where inserted.contains(item.event.id) {
            var seen = Set<String>()
            for subscriptionId in item.subscriptionIds where seen.insert(subscriptionId).inserted {
                guard let last = lastSequence[subscriptionId] else { continue }
                lastSequence[subscriptionId] = last + 1
                planned.append(PlannedDelivery(id: deliveryIds.next(), eventId: item.event.id,
                                               subscriptionId: subscriptionId, sequence: last + 1,
                                               orderingKey: DeliveryOrdering.key(subscriptionId: subscriptionId, event: item.event)))
            }
        }
        guard !planned.isEmpty else { return 0 }
        for chunk in planned.chunked(PostgresColumns.rowsPerStatement) {
            var binds = PostgresBindings(capacity: chunk.count * 7)
            for d in chunk {
                binds.append(d.id)
                binds.append(d.eventId)
                binds.append(d.subscriptionId)
                binds.append(d.sequence)
                binds.append(d.orderingKey)
                binds.append((dueAt[d.subscriptionId] ?? now).pg)
                binds.append(now.pg)
            }
            let sql = """
                INSERT INTO deliveries (id, event_id, subscription_id, sequence, ordering_key, next_attempt_at, created_at, status, attempts)
                SELECT v.*, 'pending', 0 FROM (VALUES \(PostgresColumns.valuesList(rows: chunk.count, casts: Self.deliveryInsertCasts))) AS v
                """
            try await conn.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: self.logger)
        }
        var touched: [String: Int64] = [:]
        for d in planned { touched[d.subscriptionId] = d.sequence }
        let ids = touched.keys.sorted()
        let sequences = ids.map { touched[$0]! }
        try await conn.query("""
            UPDATE subscriptions AS s SET last_delivery_sequence = v.last
            FROM unnest(\(ids)::text[], \(sequences)::bigint[]) AS v(id, last) WHERE s.id = v.id
            """, logger: self.logger)
        return planned.count
    }

    /// In one transaction: locks (skipping rows another claimer holds) up to `limit` due
    /// deliveries — pending and due, oldest due first, or inflight with `lease_until <= now` —
    /// each the first unfinished one of its ordering group, marks them inflight until
    /// `now + lease`, and returns them in due order with their event, subscription, the secrets
    /// valid at `now` (current first) and the subscription's failing-since time.
    public func claim(limit: Int, now: Date, lease: Duration) async throws -> [ClaimedDelivery] {
        guard limit > 0 else { return [] }
        let leaseUntil = now.addingTimeInterval(lease.timeInterval)
        return try await transaction { conn in
            var due: [(id: String, at: Date, position: Int64, orderingKey: String)] = []
            for (column, status) in [("next_attempt_at", "pending"), ("lease_until", "inflight")] {
                for r in try await self.rows(conn, """
                    SELECT d.id, d.\(unescaped: column), d.position, d.ordering_key FROM deliveries AS d
                    WHERE d.status = \(status) AND d.\(unescaped: column) <= \(now.pg)
                        AND NOT EXISTS (SELECT 1 FROM deliveries AS earlier
                            WHERE earlier.ordering_key = d.ordering_key AND earlier.status IN ('pending','inflight')
                                AND earlier.sequence < d.sequence)
                    ORDER BY d.\(unescaped: column), d.position LIMIT \(limit)
                    FOR UPDATE OF d SKIP LOCKED
                    """) {
                    due.append((try r[0].decode(String.self), try r[1].decode(PostgresTimestamp.self).date, try r[2].decode(Int64.self),
                                try r[3].decode(String.self)))
                }
            }
            // Oldest due first across both lists (ties: insertion order); one per group.
            due.sort { ($0.at, $0.position) < ($1.at, $1.position) }
            var groups = Set<String>()
            let ids = due.filter { groups.insert($0.orderingKey).inserted }.prefix(limit).map(\.id)
            guard !ids.isEmpty else { return [] }

            var deliveries: [String: Delivery] = [:]
            for r in try await self.rows(conn, """
                UPDATE deliveries SET status = 'inflight', lease_until = \(leaseUntil.pg) WHERE id = ANY(\(ids))
                RETURNING \(unescaped: PostgresColumns.delivery)
                """) {
                let delivery = try PostgresColumns.decodeDelivery(r)
                deliveries[delivery.id] = delivery
            }
            let eventIds = Array(Set(deliveries.values.map(\.eventId)))
            var events: [String: FlightEvent] = [:]
            for r in try await self.rows(conn, "SELECT \(unescaped: PostgresColumns.event) FROM events WHERE id = ANY(\(eventIds))") {
                let event = try PostgresColumns.decodeEvent(r)
                events[event.id] = event
            }
            let subscriptionIds = Array(Set(deliveries.values.map(\.subscriptionId)))
            var subscriptions: [String: (Subscription, Date?)] = [:]
            var cache: [String: Set<EventType>] = [:]
            for r in try await self.rows(conn, """
                SELECT \(unescaped: PostgresColumns.subscription), failing_since FROM subscriptions WHERE id = ANY(\(subscriptionIds))
                """) {
                let subscription = try PostgresColumns.decodeSubscription(r, cache: &cache)
                subscriptions[subscription.id] = (subscription, try r[PostgresColumns.subscriptionCount].decode(PostgresTimestamp?.self)?.date)
            }
            let secrets = try await self.validSecrets(conn, subscriptionIds: subscriptionIds, now: now)
            return try ids.map { id in
                // Foreign keys guarantee the event and the subscription of a delivery row.
                guard let delivery = deliveries[id], let event = events[delivery.eventId],
                      let (subscription, failingSince) = subscriptions[delivery.subscriptionId] else {
                    throw StoreError(.unavailable, "a claimed delivery lost its row, event or subscription")
                }
                return ClaimedDelivery(delivery: delivery, event: event, subscription: subscription,
                                       secrets: secrets[subscription.id, default: []].map(\.secret), failingSince: failingSince)
            }
        }
    }

    /// Persists the ``CompletionPlan`` of the batch, in one transaction. The rows are locked
    /// first, in id order; the plan's rows are written with one statement, then the
    /// subscriptions it disables and their clocks, in id order.
    public func complete(_ completions: [DeliveryCompletion]) async throws {
        guard !completions.isEmpty else { return }
        let ids = Array(Set(completions.map(\.attempt.deliveryId))).sorted()
        try await transaction { conn in
            var current: [String: Delivery] = [:]
            for r in try await self.rows(conn, """
                SELECT \(unescaped: PostgresColumns.delivery) FROM deliveries WHERE id = ANY(\(ids)) ORDER BY id FOR UPDATE
                """) {
                let delivery = try PostgresColumns.decodeDelivery(r)
                current[delivery.id] = delivery
            }
            let plan = CompletionPlan(completions, current: current)
            let saved = plan.saves.map(\.id)
            for disable in plan.disables {
                try await conn.query("""
                    UPDATE subscriptions SET status = 'disabled', disabled_reason = \(disable.reason), updated_at = \(disable.at.pg)
                    WHERE id = \(disable.subscriptionId)
                    """, logger: self.logger)
                try await conn.query("""
                    UPDATE deliveries SET status = 'failed', completed_at = \(disable.at.pg), last_error = \(CompletionPlan.disabledError(disable.reason))
                    WHERE subscription_id = \(disable.subscriptionId) AND status = 'pending' AND NOT (id = ANY(\(saved)))
                    """, logger: self.logger)
            }
            try await self.save(conn, plan.saves.sorted { $0.id < $1.id })
            for chunk in plan.attempts.chunked(PostgresColumns.rowsPerStatement) {
                var binds = PostgresBindings(capacity: chunk.count * 7)
                for a in chunk { PostgresColumns.bindAttempt(a, into: &binds) }
                try await conn.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO delivery_attempts (\(PostgresColumns.attempt))
                    VALUES \(PostgresColumns.valuesList(rows: chunk.count, casts: PostgresColumns.attemptCasts))
                    """, binds: binds), logger: self.logger)
            }
            for (subscriptionId, clock) in plan.clocks.sorted(by: { $0.key < $1.key }) {
                switch clock.outcome {
                case nil:
                    break
                case .stopped:
                    try await conn.query("""
                        UPDATE subscriptions SET failing_since = NULL WHERE id = \(subscriptionId) AND failing_since IS NOT NULL
                        """, logger: self.logger)
                case .restarted(let at):
                    try await conn.query("UPDATE subscriptions SET failing_since = \(at.pg) WHERE id = \(subscriptionId)", logger: self.logger)
                case .running(let at):
                    try await conn.query("""
                        UPDATE subscriptions SET failing_since = \(at.pg) WHERE id = \(subscriptionId) AND failing_since IS NULL
                        """, logger: self.logger)
                }
            }
        }
    }

    /// The delivery, if it belongs to one of `owner`'s subscriptions.
    public func delivery(id: String, owner: String) async throws -> Delivery? {
        try await read { conn in
            try await self.rows(conn, """
                SELECT \(unescaped: PostgresColumns.delivery) FROM deliveries
                WHERE id = \(id) AND EXISTS (SELECT 1 FROM subscriptions WHERE id = deliveries.subscription_id AND owner_key_id = \(owner))
                """).first.map(PostgresColumns.decodeDelivery)
        }
    }

    /// The subscription's deliveries, newest first (descending sequence), optionally of one
    /// status; the cursor is the sequence number of the last delivery returned.
    public func deliveries(subscriptionId: String, owner: String, status: DeliveryStatus?, after: String?, limit: Int) async throws -> Page<Delivery> {
        var before = Int64.max
        if let after {
            guard let sequence = Int64(after) else { throw StoreError(.notFound, "no such cursor") }
            before = sequence
        }
        let limit = max(1, limit)
        return try await read { conn in
            try await self.requireSubscription(conn, id: subscriptionId, owner: owner)
            var items = try await self.rows(conn, """
                SELECT \(unescaped: PostgresColumns.delivery) FROM deliveries
                WHERE subscription_id = \(subscriptionId) AND sequence < \(before) AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue)::text)
                ORDER BY sequence DESC LIMIT \(limit + 1)
                """).map(PostgresColumns.decodeDelivery)
            guard items.count > limit else { return Page(items: items, nextCursor: nil) }
            items.removeLast(items.count - limit)
            return Page(items: items, nextCursor: items.last.map { String($0.sequence) })
        }
    }

    /// Every logged attempt of the delivery, in attempt order (then as logged).
    public func attempts(deliveryId: String) async throws -> [DeliveryAttempt] {
        try await read { conn in
            try await self.rows(conn, """
                SELECT \(unescaped: PostgresColumns.attempt) FROM delivery_attempts WHERE delivery_id = \(deliveryId) ORDER BY attempt, position
                """).map(PostgresColumns.decodeAttempt)
        }
    }

    /// Pending and due at `now`, whatever its status was; lease and completion time cleared, the
    /// attempt count kept. False when `owner` has no such delivery.
    public func redeliver(id: String, owner: String, now: Date) async throws -> Bool {
        try await transaction { conn in
            !(try await self.rows(conn, """
                UPDATE deliveries SET status = 'pending', next_attempt_at = \(now.pg), lease_until = NULL, completed_at = NULL
                WHERE id = \(id) AND EXISTS (SELECT 1 FROM subscriptions WHERE id = deliveries.subscription_id AND owner_key_id = \(owner))
                RETURNING id
                """).isEmpty)
        }
    }

    /// The subscription's failed deliveries created at or after `since` become pending, due at `now`.
    public func recover(subscriptionId: String, owner: String, since: Date, now: Date) async throws -> Int {
        try await transaction { conn in
            try await self.requireSubscription(conn, id: subscriptionId, owner: owner)
            return try await self.rows(conn, """
                UPDATE deliveries SET status = 'pending', next_attempt_at = \(now.pg), completed_at = NULL
                WHERE subscription_id = \(subscriptionId) AND status IN ('failed','expired') AND created_at >= \(since.pg)
                RETURNING id
                """).count
        }
    }

    /// Deletes deliveries finished before `before` (with their attempts), then events created
    /// before it that no delivery references, in transactions of ``pruneChunk`` rows. Returns the
    /// number of deliveries deleted.
    public func prune(before: Date) async throws -> Int {
        var deleted = 0
        while true {
            let n = try await transaction { conn in
                try await self.rows(conn, """
                    DELETE FROM deliveries WHERE id IN (
                        SELECT id FROM deliveries WHERE status IN ('delivered','failed','expired') AND completed_at < \(before.pg)
                        LIMIT \(Self.pruneChunk) FOR UPDATE SKIP LOCKED)
                    RETURNING id
                    """).count
            }
            deleted += n
            if n < Self.pruneChunk { break }
        }
        while true {
            let n = try await transaction { conn in
                try await self.rows(conn, """
                    DELETE FROM events WHERE id IN (
                        SELECT id FROM events WHERE created_at < \(before.pg)
                            AND NOT EXISTS (SELECT 1 FROM deliveries WHERE deliveries.event_id = events.id)
                        LIMIT \(Self.pruneChunk) FOR UPDATE SKIP LOCKED)
                    RETURNING id
                    """).count
            }
            if n < Self.pruneChunk { break }
        }
        // Live cards of flights not heard of since (ended, or gone without a word).
        _ = try await transaction { conn in try await self.rows(conn, "DELETE FROM chat_cards WHERE updated_at < \(before.pg)") }
        return deleted
    }

    /// Pending, inflight, retrying and the oldest pending delivery's age at `now`, in one read.
    public func queueStats(now: Date) async throws -> QueueStats { try await queueStats(now: now, owner: nil) }

    public func queueStats(now: Date, owner: String) async throws -> QueueStats { try await queueStats(now: now, owner: .some(owner)) }

    private func queueStats(now: Date, owner: String?) async throws -> QueueStats {
        try await read { conn in
            let query: PostgresQuery = if let owner {
                """
                SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'inflight'),
                       count(*) FILTER (WHERE status = 'pending' AND attempts > 0), min(created_at) FILTER (WHERE status = 'pending')
                FROM deliveries WHERE status IN ('pending','inflight')
                  AND subscription_id IN (SELECT id FROM subscriptions WHERE owner_key_id = \(owner))
                """
            } else {
                """
                SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'inflight'),
                       count(*) FILTER (WHERE status = 'pending' AND attempts > 0), min(created_at) FILTER (WHERE status = 'pending')
                FROM deliveries WHERE status IN ('pending','inflight')
                """
            }
            guard let r = try await self.rows(conn, query).first else {
                return QueueStats(pending: 0, inflight: 0, retrying: 0, oldestPendingAge: nil)
            }
            let oldest = try r[3].decode(PostgresTimestamp?.self)?.date
            return QueueStats(pending: try r[0].decode(Int.self), inflight: try r[1].decode(Int.self), retrying: try r[2].decode(Int.self),
                              oldestPendingAge: oldest.map { now.timeIntervalSince($0) })
        }
    }

    // MARK: - Helpers

    /// Deliveries deleted per prune transaction.
    static let pruneChunk = 5_000

    static let deliveryInsertCasts = ["text", "text", "text", "bigint", "text", "timestamptz", "timestamptz"]
    static let saveCasts = ["text", "text", "integer", "timestamptz", "timestamptz", "text", "integer", "timestamptz"]

    /// Writes the outcome fields of `deliveries` with one statement per chunk.
    func save(_ conn: PostgresConnection, _ deliveries: [Delivery]) async throws {
        for chunk in deliveries.chunked(PostgresColumns.rowsPerStatement) {
            var binds = PostgresBindings(capacity: chunk.count * 8)
            for d in chunk {
                binds.append(d.id)
                binds.append(d.status.rawValue)
                binds.append(Int32(clamping: d.attempts))
                binds.append(d.nextAttemptAt.pg)
                binds.append(d.leaseUntil?.pg)
                binds.append(d.lastError)
                binds.append(d.lastStatusCode.map { Int32(clamping: $0) })
                binds.append(d.completedAt?.pg)
            }
            try await conn.query(PostgresQuery(unsafeSQL: """
                UPDATE deliveries AS d SET status = v.status, attempts = v.attempts, next_attempt_at = v.next_attempt_at,
                    lease_until = v.lease_until, last_error = v.last_error, last_status_code = v.last_status_code, completed_at = v.completed_at
                FROM (VALUES \(PostgresColumns.valuesList(rows: chunk.count, casts: Self.saveCasts)))
                    AS v(id, status, attempts, next_attempt_at, lease_until, last_error, last_status_code, completed_at)
                WHERE d.id = v.id
                """, binds: binds), logger: logger)
        }
    }

    /// Throws ``StoreError/Code/notFound`` unless `owner` has the subscription `id`.
    func requireSubscription(_ conn: PostgresConnection, id: String, owner: String) async throws {
        guard !(try await rows(conn, "SELECT 1 FROM subscriptions WHERE id = \(id) AND owner_key_id = \(owner)").isEmpty) else {
            throw StoreError(.notFound, "no such subscription")
        }
    }
}

/// An event to enqueue with its data already encoded.
struct EnqueuedEvent: Sendable {
    var event: FlightEvent
    var data: String
    var subscriptionIds: [String]
}

/// A delivery row `enqueue` is about to insert.
struct PlannedDelivery: Sendable {
    var id: String
    var eventId: String
    var subscriptionId: String
    var sequence: Int64
    var orderingKey: String
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
