import Foundation
import SquawkCore

/// Where a delivery stands.
public enum DeliveryStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for its next attempt (`nextAttemptAt`).
    case pending
    /// Claimed by a dispatcher until `leaseUntil`; comes back as pending when the lease ends.
    case inflight
    case delivered
    /// Gave up (schedule exhausted, refused, or the subscription was disabled).
    case failed
    /// Not sent: the event was older than its subscription's `maxAge` when its turn came
    /// (`lastError` says how old). Finished, like delivered and failed.
    case expired
}

/// One event for one subscription.
public struct Delivery: Sendable, Hashable {
    public var id: String
    public var eventId: String
    public var subscriptionId: String
    /// Position of this event among all events delivered to the subscription (1, 2, …); carried in
    /// the payload so receivers can order and spot gaps.
    public var sequence: Int64
    /// The ordering group: deliveries of one subject (flight, frequency, airport) to one
    /// subscription are sent one at a time, in sequence order.
    public var orderingKey: String
    public var status: DeliveryStatus
    public var attempts: Int
    public var nextAttemptAt: Date
    public var leaseUntil: Date?
    public var lastError: String?
    public var lastStatusCode: Int?
    public var createdAt: Date
    public var completedAt: Date?

    public init(id: String, eventId: String, subscriptionId: String, sequence: Int64, orderingKey: String, status: DeliveryStatus,
                attempts: Int, nextAttemptAt: Date, leaseUntil: Date? = nil, lastError: String? = nil, lastStatusCode: Int? = nil,
                createdAt: Date, completedAt: Date? = nil) {
        self.id = id
        self.eventId = eventId
        self.subscriptionId = subscriptionId
        self.sequence = sequence
        self.orderingKey = orderingKey
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseUntil = leaseUntil
        self.lastError = lastError
        self.lastStatusCode = lastStatusCode
        self.createdAt = createdAt
        self.completedAt = completedAt
    }
}

/// A claimed delivery with what the dispatcher needs to send it.
public struct ClaimedDelivery: Sendable, Hashable {
    public var delivery: Delivery
    public var event: FlightEvent
    public var subscription: Subscription
    /// Secrets valid now, current first.
    public var secrets: [String]
    /// Since when every attempt to this subscription has failed (nil: its last attempt succeeded,
    /// or none failed yet). Kept by ``DeliveryStore/complete(_:)``.
    public var failingSince: Date?

    public init(delivery: Delivery, event: FlightEvent, subscription: Subscription, secrets: [String], failingSince: Date? = nil) {
        self.delivery = delivery
        self.event = event
        self.subscription = subscription
        self.secrets = secrets
        self.failingSince = failingSince
    }
}

/// One attempt, as recorded in the delivery log.
public struct DeliveryAttempt: Sendable, Hashable {
    public var deliveryId: String
    public var attempt: Int
    public var at: Date
    public var statusCode: Int?
    public var latencyMs: Int
    /// The first 1 KiB of the response body.
    public var responseSnippet: String?
    public var error: String?

    public init(deliveryId: String, attempt: Int, at: Date, statusCode: Int?, latencyMs: Int, responseSnippet: String?, error: String?) {
        self.deliveryId = deliveryId
        self.attempt = attempt
        self.at = at
        self.statusCode = statusCode
        self.latencyMs = latencyMs
        self.responseSnippet = responseSnippet
        self.error = error
    }
}

/// The outcome of an attempt, acknowledged in batches.
public struct DeliveryCompletion: Sendable, Hashable {
    public enum Next: Sendable, Hashable {
        case delivered
        case retry(at: Date)
        case failed
        /// Failed, and the subscription is disabled with this reason.
        case disableSubscription(reason: String)
        /// Not sent: too old to be worth sending (the subscription's `maxAge`). Ends as failed
        /// with the reason, without touching the subscription's failure clock.
        case expired(reason: String)
    }
    public var attempt: DeliveryAttempt
    public var next: Next
    /// The claim this completion reports on: the delivery's `leaseUntil` as ``DeliveryStore/claim(limit:now:lease:)``
    /// returned it. With it, the outcome applies only while that claim still holds the delivery:
    /// a report that comes after the lease ended and another dispatcher claimed the delivery again
    /// is logged but changes nothing (it would otherwise put the new claim's delivery back to
    /// pending, and it would be sent a second time). Nil: applies to any unfinished delivery.
    public var claim: Date?

    public init(attempt: DeliveryAttempt, next: Next, claim: Date? = nil) {
        self.attempt = attempt
        self.next = next
        self.claim = claim
    }

}

/// The durable outbox and delivery log. Every write that a send depends on happens before the send
/// (DESIGN.md rule 6); claims are leases, not locks held across network calls.
public protocol DeliveryStore: Sendable {
    /// Writes events and one delivery per (event, matching subscription) in ONE transaction,
    /// assigning per-subscription sequence numbers. An event id already stored is skipped (replay
    /// after a crash is harmless). Returns the number of deliveries created.
    ///
    /// With `commit`, the poller's state is saved in the same transaction (the diff state the
    /// events came from, so events and state never disagree), and with its `fence` nothing is
    /// written unless the poller still holds its lease.
    func enqueue(_ events: [(event: FlightEvent, subscriptionIds: [String])], now: Date, commit: PollCommit?) async throws -> Int
    /// Claims up to `limit` due deliveries (pending with `nextAttemptAt <= now`, or inflight with an
    /// expired lease), at most one per ordering group and never one whose group has an earlier
    /// undelivered delivery, marking them inflight until `now + lease`.
    func claim(limit: Int, now: Date, lease: Duration) async throws -> [ClaimedDelivery]
    /// Records attempts and applies their outcomes, in one transaction. A real attempt (number
    /// 1 or more) that failed starts the subscription's continuous-failure clock if it is not
    /// running; a delivered one stops it.
    func complete(_ completions: [DeliveryCompletion]) async throws
    func delivery(id: String, owner: String) async throws -> Delivery?
    func deliveries(subscriptionId: String, owner: String, status: DeliveryStatus?, after: String?, limit: Int) async throws -> Page<Delivery>
    func attempts(deliveryId: String) async throws -> [DeliveryAttempt]
    /// Makes a delivery due now again (whatever its status).
    func redeliver(id: String, owner: String, now: Date) async throws -> Bool
    /// Requeues the subscription's failed and expired deliveries created since `since`; returns how many.
    func recover(subscriptionId: String, owner: String, since: Date, now: Date) async throws -> Int
    /// Deletes delivered/failed deliveries, their attempts and orphaned events older than `before`.
    func prune(before: Date) async throws -> Int
    /// Queue depth, retry backlog and oldest pending age, for metrics.
    func queueStats(now: Date) async throws -> QueueStats
    /// The same, counting only the deliveries of `owner`'s subscriptions (what a tenant may see).
    func queueStats(now: Date, owner: String) async throws -> QueueStats
}

/// Numbers for `/metrics`.
public struct QueueStats: Sendable, Hashable {
    public var pending: Int
    public var inflight: Int
    /// Pending deliveries that have failed at least once.
    public var retrying: Int
    public var oldestPendingAge: Double?
    public init(pending: Int, inflight: Int, retrying: Int, oldestPendingAge: Double?) {
        self.pending = pending
        self.inflight = inflight
        self.retrying = retrying
        self.oldestPendingAge = oldestPendingAge
    }
}

extension DeliveryStore {
    public func enqueue(_ events: [(event: FlightEvent, subscriptionIds: [String])], now: Date) async throws -> Int {
        try await enqueue(events, now: now, commit: nil)
    }
}

/// What a poller writes together with the events of one poll, in their transaction: the states
/// they were diffed into, and, when several instances share the store, the lease it polls under.
///
/// The fence is what makes a lease safe against a leader that stalls past it (a long pause, a
/// slow store): its successor may already have taken over and be polling from the last saved
/// state. A fenced commit checks, in the transaction and with the lease row locked against a
/// takeover until it ends, that `holder` still holds `name` at `at`; if not it writes nothing and
/// fails with ``StoreError/Code/notLeader``. Without the fence the stalled leader's events and the
/// successor's could describe the same change under different ids, and both be delivered.
public struct PollCommit: Sendable, Hashable {
    public struct Fence: Sendable, Hashable {
        /// The job's lease (``LeaderElection``), e.g. `poller/liveapi`.
        public var name: String
        public var holder: String
        /// The committer's clock now (the lease must end after it).
        public var at: Date
        public init(name: String, holder: String, at: Date) {
            self.name = name
            self.holder = holder
            self.at = at
        }
    }
    /// Poller states to save (``PollerStateStore``), by key.
    public var states: [String: Data]
    public var fence: Fence?
    public var at: Date

    public init(states: [String: Data], fence: Fence? = nil, at: Date) {
        self.states = states
        self.fence = fence
        self.at = at
    }
}

/// A ``DeliveryStore`` that hands every call to `base` unless it implements the method itself:
/// the shape of the decorators around a store (timing for benchmarks, counting, fault injection
/// in tests), so each writes only what it changes.
public protocol DeliveryStoreDecorator: DeliveryStore {
    var base: any DeliveryStore { get }
}

extension DeliveryStoreDecorator {
    public func enqueue(_ events: [(event: FlightEvent, subscriptionIds: [String])], now: Date, commit: PollCommit?) async throws -> Int {
        try await base.enqueue(events, now: now, commit: commit)
    }
    public func claim(limit: Int, now: Date, lease: Duration) async throws -> [ClaimedDelivery] {
        try await base.claim(limit: limit, now: now, lease: lease)
    }
    public func complete(_ completions: [DeliveryCompletion]) async throws { try await base.complete(completions) }
    public func delivery(id: String, owner: String) async throws -> Delivery? { try await base.delivery(id: id, owner: owner) }
    public func deliveries(subscriptionId: String, owner: String, status: DeliveryStatus?, after: String?, limit: Int) async throws -> Page<Delivery> {
        try await base.deliveries(subscriptionId: subscriptionId, owner: owner, status: status, after: after, limit: limit)
    }
    public func attempts(deliveryId: String) async throws -> [DeliveryAttempt] { try await base.attempts(deliveryId: deliveryId) }
    public func redeliver(id: String, owner: String, now: Date) async throws -> Bool { try await base.redeliver(id: id, owner: owner, now: now) }
    public func recover(subscriptionId: String, owner: String, since: Date, now: Date) async throws -> Int {
        try await base.recover(subscriptionId: subscriptionId, owner: owner, since: since, now: now)
    }
    public func prune(before: Date) async throws -> Int { try await base.prune(before: before) }
    public func queueStats(now: Date) async throws -> QueueStats { try await base.queueStats(now: now) }
    public func queueStats(now: Date, owner: String) async throws -> QueueStats { try await base.queueStats(now: now, owner: owner) }
}
