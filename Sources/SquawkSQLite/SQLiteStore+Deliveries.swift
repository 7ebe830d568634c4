import Foundation
import GRDB
import SquawkCore
import SquawkStore

// MARK: - DeliveryStore

/// The outbox and delivery log on SQLite (schema: ``Migration0003Deliveries``).
///
/// - **Batches:** `enqueue`, `claim` and `complete` each run in one `BEGIN IMMEDIATE`
///   transaction, whatever the batch size: one durable commit per batch, not per row. Sets of
///   ids travel as one JSON-array argument (`IN (SELECT value FROM json_each(?))`).
/// - **Ordering:** exactly the first unfinished delivery of each ordering group has
///   `blocked = 0`; every status change here keeps that true, so `claim` is a range scan of due,
///   unblocked rows (`deliveries_due`) plus one of expired leases (`deliveries_leases`).
/// - **Owners:** like ``SubscriptionStore``, an owner sees only deliveries of its own
///   subscriptions; there is no owner that sees all (the admin key owns its own subscriptions).
/// - **Time:** every date comes from the caller; the store never reads the clock.
extension SQLiteStore: DeliveryStore {
    /// In one transaction: events not yet stored are inserted (an id already stored, or repeated
    /// in the batch, is skipped with all its deliveries), and each gets one pending delivery, due
    /// at `now` (or at the subscription's later ``NewDeliveryHold``), per listed subscription that exists and is active (unknown, disabled and repeated
    /// ids are skipped). Each subscription's deliveries are numbered 1, 2, 3… in batch order,
    /// without gaps; the ordering key is ``DeliveryOrdering/key(subscriptionId:event:)``.
    ///
    /// `commit`'s states are saved in the same transaction. Its fence always holds here: a SQLite
    /// database has one process, which is always the leader (``acquireLeadership(_:holder:now:lease:)``).
    public func enqueue(_ events: [(event: FlightEvent, subscriptionIds: [String])], now: Date, commit: PollCommit?) async throws -> Int {
        guard !events.isEmpty || commit.map({ !$0.states.isEmpty }) == true else { return 0 }
        // JSON encoding happens before the write lock is taken.
        let items = try events.map { Enqueued(event: $0.event, data: try RowCoding.encodeEventData($0.event.data), subscriptionIds: $0.subscriptionIds) }
        return try await write { db in
            if let commit { try Self.savePollerStates(commit.states, at: commit.at, db) }
            guard !items.isEmpty else { return 0 }
            let stored = try String.fetchSet(db, sql: "SELECT id FROM events WHERE id IN (SELECT value FROM json_each(?))",
                                             arguments: [Self.jsonArray(items.map(\.event.id))])
            var lastSequence: [String: Int64] = [:]
            var dueAt: [String: Double] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, last_delivery_sequence, new_deliveries_due_at FROM subscriptions
                WHERE status = 'active' AND id IN (SELECT value FROM json_each(?))
                """, arguments: [Self.jsonArray(Array(Set(items.flatMap(\.subscriptionIds))))])
            while let row = try rows.next() {
                lastSequence[row[0]] = row[1]
                if let held: Double = row[2], held > now.timeIntervalSince1970 { dueAt[row[0]] = held }
            }

            // Events and the deliveries they need, numbered per subscription.
            var planned: [(id: String, eventId: String, subscriptionId: String, sequence: Int64, orderingKey: String)] = []
            var seenEvents = stored
            var rng = IDRandom()
            var deliveryIds = Identifiers.Monotonic(prefix: "dlv", at: now, using: &rng)
            let insertEvent = try db.cachedStatement(sql: EventColumns.insertSQL)
            for item in items where seenEvents.insert(item.event.id).inserted {
                try insertEvent.execute(arguments: EventColumns.arguments(item.event, data: item.data, createdAt: now))
                var seenSubscriptions = Set<String>()
                for subscriptionId in item.subscriptionIds where seenSubscriptions.insert(subscriptionId).inserted {
                    guard let last = lastSequence[subscriptionId] else { continue }
                    lastSequence[subscriptionId] = last + 1
                    planned.append((deliveryIds.next(), item.event.id, subscriptionId, last + 1,
                                    DeliveryOrdering.key(subscriptionId: subscriptionId, event: item.event)))
                }
            }
            guard !planned.isEmpty else { return 0 }

            // A new delivery waits when its group already has unfinished work: an earlier one
            // stored before, or one planned earlier in this batch.
            var busyGroups = try String.fetchSet(db, sql: """
                SELECT DISTINCT ordering_key FROM deliveries
                WHERE status IN ('pending','inflight') AND ordering_key IN (SELECT value FROM json_each(?))
                """, arguments: [Self.jsonArray(Array(Set(planned.map(\.orderingKey))))])
            let insertDelivery = try db.cachedStatement(sql: """
                INSERT INTO deliveries (id, event_id, subscription_id, sequence, ordering_key, status, blocked, attempts,
                                        next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, 'pending', ?, 0, ?, ?)
                """)
            var touched: [String: Int64] = [:]
            for d in planned {
                let blocked = !busyGroups.insert(d.orderingKey).inserted
                try insertDelivery.execute(arguments: [d.id, d.eventId, d.subscriptionId, d.sequence, d.orderingKey, blocked,
                                                       dueAt[d.subscriptionId] ?? now.timeIntervalSince1970, now.timeIntervalSince1970])
                touched[d.subscriptionId] = d.sequence
            }
            let advance = try db.cachedStatement(sql: "UPDATE subscriptions SET last_delivery_sequence = ? WHERE id = ?")
            for (subscriptionId, last) in touched {
                try advance.execute(arguments: [last, subscriptionId])
            }
            return planned.count
        }
    }

    /// In one transaction: picks up to `limit` due deliveries (pending and due, oldest due first,
    /// or inflight with `lease_until <= now`), only the first unfinished one of each ordering
    /// group, and marks them inflight until `now + lease`. Then returns them in due order with
    /// their event, subscription and the secrets valid at `now` (current first).
    ///
    /// The details are read after the commit, on a reader connection (``claimDetails(_:ids:now:sealer:)``): the
    /// write transaction holds the database's one writer and does only what must be atomic.
    /// A claimed delivery whose subscription was deleted in between is gone and not returned.
    ///
    /// Deliveries of disabled subscriptions are claimed like any other: the dispatcher sees the
    /// subscription's status and fails them, so nothing stays pending forever.
    public func claim(limit: Int, now: Date, lease: Duration) async throws -> [ClaimedDelivery] {
        guard limit > 0 else { return [] }
        let now1970 = now.timeIntervalSince1970
        let leaseUntil = now1970 + lease.timeInterval
        let ids = try await write { db -> [String] in
            var due: [(id: String, at: Double, orderingKey: String)] = []
            for sql in [Self.duePendingSQL, Self.expiredLeasesSQL] {
                try DirectStatement(db, sql: sql).run([.real(now1970), .integer(Int64(limit))]) { row in
                    due.append((row.text(0), row.real(1), row.text(2)))
                }
            }
            // Oldest due first across both lists (ties keep the order read: insertion order); one
            // per group, which the `blocked` invariant already ensures.
            let ordered = due.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
            var groups = Set<String>()
            let ids = ordered.filter { groups.insert($0.orderingKey).inserted }.prefix(limit).map(\.id)
            guard !ids.isEmpty else { return [] }
            try DirectStatement(db, sql: """
                UPDATE deliveries SET status = 'inflight', lease_until = ? WHERE id IN (SELECT value FROM json_each(?))
                """).run([.real(leaseUntil), .text(Self.jsonArray(ids))])
            return ids
        }
        guard !ids.isEmpty else { return [] }
        let sealer = self.sealer
        return try await read { db in try Self.claimDetails(db, ids: ids, now: now, sealer: sealer) }
    }

    /// The claimed deliveries `ids` (in that order) with their event, subscription, secrets
    /// valid at `now` and continuous-failure start. Ids no longer stored are left out.
    static func claimDetails(_ db: Database, ids: [String], now: Date, sealer: SecretSealer?) throws -> [ClaimedDelivery] {
        let idArray = jsonArray(ids)
        var deliveries: [String: Delivery] = [:]
        try DirectStatement(db, sql: """
            SELECT \(DeliveryColumns.list) FROM deliveries WHERE id IN (SELECT value FROM json_each(?))
            """).run([.text(idArray)]) { row in
            let delivery = try DeliveryColumns.decode(row)
            deliveries[delivery.id] = delivery
        }
        var events: [String: FlightEvent] = [:]
        try DirectStatement(db, sql: """
            SELECT \(EventColumns.list) FROM events WHERE id IN (SELECT value FROM json_each(?))
            """).run([.text(jsonArray(Array(Set(deliveries.values.map(\.eventId)))))]) { row in
            let event = try EventColumns.decode(row)
            events[event.id] = event
        }
        let subscriptionIds = Array(Set(deliveries.values.map(\.subscriptionId)))
        let subscriptionArray = jsonArray(subscriptionIds)
        var subscriptions: [String: Subscription] = [:]
        var failingSince: [String: Date] = [:]
        var cache = SubscriptionColumns.Cache()
        try DirectStatement(db, sql: """
            SELECT \(SubscriptionColumns.list), failing_since FROM subscriptions WHERE id IN (SELECT value FROM json_each(?))
            """).run([.text(subscriptionArray)]) { row in
            let subscription = try SubscriptionColumns.decode(row, cache: &cache)
            subscriptions[subscription.id] = subscription
            if let since = row.optionalReal(SubscriptionColumns.count) { failingSince[subscription.id] = Date(timeIntervalSince1970: since) }
        }
        let secrets = try validSecrets(db, subscriptionIds: subscriptionIds, now: now, sealer: sealer)
        return ids.compactMap { id in
            // Foreign keys guarantee the event and the subscription of a delivery row.
            guard let delivery = deliveries[id], let event = events[delivery.eventId],
                  let subscription = subscriptions[delivery.subscriptionId] else { return nil }
            return ClaimedDelivery(delivery: delivery, event: event, subscription: subscription,
                                   secrets: secrets[subscription.id, default: []].map(\.secret),
                                   failingSince: failingSince[subscription.id])
        }
    }

    /// Persists the ``CompletionPlan`` of the batch, in one transaction: the rows it changes,
    /// the subscriptions it disables (with their other pending deliveries), the attempts it logs
    /// and the failure clocks it moves.
    public func complete(_ completions: [DeliveryCompletion]) async throws {
        guard !completions.isEmpty else { return }
        let disabled = try await write { db -> [String] in
            let fetched = try Self.fetchDeliveries(db, ids: Array(Set(completions.map(\.attempt.deliveryId))))
            let plan = CompletionPlan(completions, current: fetched.mapValues(\.delivery))
            // Saved in the order they changed; a finished delivery that was first in its ordering
            // group unblocks the next, which may itself be in the plan.
            var first = fetched.mapValues(\.first)
            for delivery in plan.saves {
                if let next = try Self.save(db, delivery, wasFirst: first[delivery.id] ?? false) { first[next] = true }
            }
            for disable in plan.disables {
                try Self.disableSubscription(db, id: disable.subscriptionId, reason: disable.reason, at: disable.at)
            }
            let insertAttempt = try DirectStatement(db, sql: DeliveryColumns.insertAttemptSQL)
            for attempt in plan.attempts { try insertAttempt.run(DeliveryColumns.attemptValues(attempt)) }
            for (subscriptionId, clock) in plan.clocks.sorted(by: { $0.key < $1.key }) {
                switch clock.outcome {
                case nil:
                    break
                case .stopped:
                    try db.cachedStatement(sql: "UPDATE subscriptions SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL")
                        .execute(arguments: [subscriptionId])
                case .restarted(let at):
                    try db.cachedStatement(sql: "UPDATE subscriptions SET failing_since = ? WHERE id = ?")
                        .execute(arguments: [at.timeIntervalSince1970, subscriptionId])
                case .running(let at):
                    try db.cachedStatement(sql: "UPDATE subscriptions SET failing_since = ? WHERE id = ? AND failing_since IS NULL")
                        .execute(arguments: [at.timeIntervalSince1970, subscriptionId])
                }
            }
            return plan.disables.map(\.subscriptionId)
        }
        if !disabled.isEmpty { readCache.remove(disabled) }
    }

    /// The delivery, if it belongs to one of `owner`'s subscriptions.
    public func delivery(id: String, owner: String) async throws -> Delivery? {
        try await read { db in
            try Row.fetchOne(db, sql: """
                SELECT \(DeliveryColumns.list) FROM deliveries
                WHERE id = ? AND EXISTS (SELECT 1 FROM subscriptions WHERE id = deliveries.subscription_id AND owner_key_id = ?)
                """, arguments: [id, owner]).map(DeliveryColumns.decode)
        }
    }

    /// The subscription's deliveries, **newest first** (descending sequence), optionally of one
    /// status. The cursor is the sequence number of the last delivery returned (decimal): `after`
    /// returns the deliveries before it. `limit` below 1 is treated as 1.
    /// Another owner's or an unknown subscription, or a cursor that is not a sequence number,
    /// is ``StoreError/Code/notFound``.
    public func deliveries(subscriptionId: String, owner: String, status: DeliveryStatus?, after: String?, limit: Int) async throws -> Page<Delivery> {
        var clauses = ["subscription_id = ?"]
        var arguments: StatementArguments = [subscriptionId]
        if let status { clauses.append("status = ?"); arguments += [status.rawValue] }
        if let after {
            guard let sequence = Int64(after) else { throw StoreError(.notFound, "no such cursor") }
            clauses.append("sequence < ?")
            arguments += [sequence]
        }
        let limit = max(1, limit)
        arguments += [limit + 1]
        let sql = "SELECT \(DeliveryColumns.list) FROM deliveries WHERE \(clauses.joined(separator: " AND ")) ORDER BY sequence DESC LIMIT ?"
        let sendableArguments = arguments
        return try await read { db in
            try Self.requireSubscription(db, id: subscriptionId, owner: owner)
            var items = try Row.fetchAll(db, sql: sql, arguments: sendableArguments).map(DeliveryColumns.decode)
            guard items.count > limit else { return Page(items: items, nextCursor: nil) }
            items.removeLast(items.count - limit)
            return Page(items: items, nextCursor: items.last.map { String($0.sequence) })
        }
    }

    /// Every logged attempt of the delivery, in attempt order (the caller checks the owner with
    /// ``delivery(id:owner:)`` first). Unknown ids give an empty list.
    public func attempts(deliveryId: String) async throws -> [DeliveryAttempt] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(DeliveryColumns.attemptList) FROM delivery_attempts WHERE delivery_id = ? ORDER BY attempt, rowid
                """, arguments: [deliveryId]).map(DeliveryColumns.decodeAttempt)
        }
    }

    /// Pending and due at `now`, whatever its status was; the lease and completion time are
    /// cleared, the attempt count kept (the log goes on numbering). False when `owner` has no such
    /// delivery. Its ordering group is re-evaluated: a redelivered old delivery goes first again.
    public func redeliver(id: String, owner: String, now: Date) async throws -> Bool {
        try await write { db in
            let key = try String.fetchOne(db, sql: """
                UPDATE deliveries SET status = 'pending', next_attempt_at = ?, lease_until = NULL, completed_at = NULL
                WHERE id = ? AND EXISTS (SELECT 1 FROM subscriptions WHERE id = deliveries.subscription_id AND owner_key_id = ?)
                RETURNING ordering_key
                """, arguments: [now.timeIntervalSince1970, id, owner])
            guard let key else { return false }
            try db.execute(sql: "\(Self.refreshBlockedSQL) AND ordering_key = ?", arguments: [key])
            return true
        }
    }

    /// The subscription's failed and expired deliveries created at or after `since` become pending, due at
    /// `now` (attempt counts kept, as for ``redeliver(id:owner:now:)``). Another owner's or an
    /// unknown subscription is ``StoreError/Code/notFound``.
    public func recover(subscriptionId: String, owner: String, since: Date, now: Date) async throws -> Int {
        try await write { db in
            try Self.requireSubscription(db, id: subscriptionId, owner: owner)
            try db.execute(sql: """
                UPDATE deliveries SET status = 'pending', next_attempt_at = ?, completed_at = NULL
                WHERE subscription_id = ? AND status IN ('failed','expired') AND created_at >= ?
                """, arguments: [now.timeIntervalSince1970, subscriptionId, since.timeIntervalSince1970])
            let recovered = db.changesCount
            if recovered > 0 {
                try db.execute(sql: "\(Self.refreshBlockedSQL) AND subscription_id = ?", arguments: [subscriptionId])
            }
            return recovered
        }
    }

    /// Deletes deliveries delivered or failed before `before` (by completion time) with their
    /// attempts, then events created before `before` that no delivery references. Returns the
    /// number of deliveries deleted. Works in transactions of ``pruneChunk`` deliveries, so a big
    /// backlog never holds the write lock for long.
    public func prune(before: Date) async throws -> Int {
        let cutoff = before.timeIntervalSince1970
        var deleted = 0
        while true {
            let n = try await write { db in
                try db.execute(sql: """
                    DELETE FROM deliveries WHERE rowid IN (
                        SELECT rowid FROM deliveries WHERE status IN ('delivered','failed','expired') AND completed_at < ? LIMIT ?)
                    """, arguments: [cutoff, Self.pruneChunk])
                return db.changesCount
            }
            deleted += n
            if n < Self.pruneChunk { break }
        }
        while true {
            let n = try await write { db in
                try db.execute(sql: """
                    DELETE FROM events WHERE rowid IN (
                        SELECT rowid FROM events WHERE created_at < ?
                            AND NOT EXISTS (SELECT 1 FROM deliveries WHERE deliveries.event_id = events.id)
                        LIMIT ?)
                    """, arguments: [cutoff, Self.pruneChunk])
                return db.changesCount
            }
            if n < Self.pruneChunk { break }
        }
        // Live cards of flights not heard of since (ended, or gone without a word).
        try await write { db in try db.execute(sql: "DELETE FROM chat_cards WHERE updated_at < ?", arguments: [cutoff]) }
        return deleted
    }

    /// Counts of pending and inflight deliveries, pending ones that failed at least once, and the
    /// age at `now` of the oldest pending delivery (since its creation), in one read of the
    /// unfinished rows.
    public func queueStats(now: Date) async throws -> QueueStats { try await queueStats(now: now, owner: nil) }

    public func queueStats(now: Date, owner: String) async throws -> QueueStats { try await queueStats(now: now, owner: .some(owner)) }

    private func queueStats(now: Date, owner: String?) async throws -> QueueStats {
        try await read { db in
            let mine = owner == nil ? "" : " AND subscription_id IN (SELECT id FROM subscriptions WHERE owner_key_id = ?)"
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*) FILTER (WHERE status = 'pending'),
                       count(*) FILTER (WHERE status = 'inflight'),
                       count(*) FILTER (WHERE status = 'pending' AND attempts > 0),
                       min(created_at) FILTER (WHERE status = 'pending')
                FROM deliveries WHERE status IN ('pending','inflight')\(mine)
                """, arguments: owner.map { [$0] } ?? [])
            let oldest: Double? = row?[3]
            return QueueStats(pending: row?[0] ?? 0, inflight: row?[1] ?? 0, retrying: row?[2] ?? 0,
                              oldestPendingAge: oldest.map { now.timeIntervalSince1970 - $0 })
        }
    }

    // MARK: - Outcomes

    /// Writes the outcome fields of `d`. A finished delivery that was its group's first
    /// unfinished one (`wasFirst`: it had `blocked = 0`) hands the group on: the next unfinished
    /// delivery after it stops waiting. Returns that delivery's id. (One that was not first
    /// leaves the group as it is: an earlier unfinished delivery still goes first.)
    ///
    /// The group's first unfinished delivery after `d` is found through `deliveries_group`,
    /// reading the group's rows from `d`'s sequence on (``Migration0006DeliveryGroups``).
    @discardableResult
    static func save(_ db: Database, _ d: Delivery, wasFirst: Bool) throws -> String? {
        try DirectStatement(db, sql: """
            UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, lease_until = ?, last_error = ?,
                last_status_code = ?, completed_at = ?, blocked = CASE WHEN ? THEN blocked ELSE 0 END
            WHERE id = ?
            """).run([
                .text(d.status.rawValue), .integer(Int64(d.attempts)), .real(d.nextAttemptAt.timeIntervalSince1970),
                .real(d.leaseUntil?.timeIntervalSince1970), .text(d.lastError), .integer(d.lastStatusCode),
                .real(d.completedAt?.timeIntervalSince1970), .integer(d.status.isUnfinished ? 1 : 0), .text(d.id),
            ])
        guard !d.status.isUnfinished, wasFirst else { return nil }
        var next: String?
        try DirectStatement(db, sql: """
            UPDATE deliveries SET blocked = 0 WHERE id = (
                SELECT id FROM deliveries WHERE ordering_key = ? AND sequence > ? AND status IN ('pending','inflight')
                ORDER BY sequence LIMIT 1)
            RETURNING id
            """).run([.text(d.orderingKey), .integer(d.sequence)]) { next = $0.text(0) }
        return next
    }

    /// Disables the subscription with `reason` and fails its pending deliveries (inflight ones
    /// finish with their own completion, or fail when claimed again after their lease).
    static func disableSubscription(_ db: Database, id: String, reason: String, at: Date) throws {
        try db.execute(sql: "UPDATE subscriptions SET status = 'disabled', disabled_reason = ?, updated_at = ? WHERE id = ?",
                       arguments: [reason, at.timeIntervalSince1970, id])
        try db.execute(sql: """
            UPDATE deliveries SET status = 'failed', blocked = 0, completed_at = ?, last_error = ?
            WHERE subscription_id = ? AND status = 'pending'
            """, arguments: [at.timeIntervalSince1970, "subscription disabled: \(reason)", id])
        try db.execute(sql: "\(refreshBlockedSQL) AND subscription_id = ?", arguments: [id])
    }

    // MARK: - Statements

    /// Pending deliveries due at `?`, first in their group, oldest due first, at most `?`.
    static let duePendingSQL = """
        SELECT id, next_attempt_at, ordering_key FROM deliveries
        WHERE status = 'pending' AND blocked = 0 AND next_attempt_at <= ?
        ORDER BY next_attempt_at LIMIT ?
        """
    /// Inflight deliveries whose lease ended at or before `?`, first in their group, at most `?`.
    static let expiredLeasesSQL = """
        SELECT id, lease_until, ordering_key FROM deliveries
        WHERE status = 'inflight' AND blocked = 0 AND lease_until <= ?
        ORDER BY lease_until LIMIT ?
        """
    /// Recomputes `blocked` for unfinished deliveries; callers append `AND <column> = ?` to choose
    /// the groups (all of a subscription, or one ordering key). For the rare, human-initiated
    /// changes (redeliver, recover, disable) that can reorder a group.
    static let refreshBlockedSQL = """
        UPDATE deliveries SET blocked = EXISTS (
            SELECT 1 FROM deliveries AS earlier
            WHERE earlier.ordering_key = deliveries.ordering_key AND earlier.status IN ('pending','inflight')
                AND earlier.sequence < deliveries.sequence)
        WHERE status IN ('pending','inflight')
        """
    /// Deliveries (and events) deleted per prune transaction.
    static let pruneChunk = 5_000

    /// The deliveries with these ids, by id, each with whether it is its group's first
    /// unfinished delivery (`blocked = 0` while unfinished).
    static func fetchDeliveries(_ db: Database, ids: [String]) throws -> [String: (delivery: Delivery, first: Bool)] {
        var result: [String: (delivery: Delivery, first: Bool)] = [:]
        guard !ids.isEmpty else { return result }
        try DirectStatement(db, sql: """
            SELECT \(DeliveryColumns.list), blocked FROM deliveries WHERE id IN (SELECT value FROM json_each(?))
            """).run([.text(jsonArray(ids))]) { row in
            let delivery = try DeliveryColumns.decode(row)
            let blocked = row.integer(DeliveryColumns.count) != 0
            result[delivery.id] = (delivery, delivery.status.isUnfinished && !blocked)
        }
        return result
    }

    /// Throws ``StoreError/Code/notFound`` unless `owner` has the subscription `id`.
    static func requireSubscription(_ db: Database, id: String, owner: String) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM subscriptions WHERE id = ? AND owner_key_id = ?", arguments: [id, owner]) != nil else {
            throw StoreError(.notFound, "no such subscription")
        }
    }

    /// An event to enqueue with its data already encoded (a Sendable tuple stand-in).
    private struct Enqueued: Sendable {
        var event: FlightEvent
        var data: String
        var subscriptionIds: [String]
    }
}
