import Foundation
import SquawkCore

// The delivery state machine, whole, in one file (DESIGN.md rule 2: decide in a pure value,
// execute in one funnel). Three steps, each a pure function of its inputs:
//
// 1. ``DeliveryDecision/decide(_:attempt:format:policy:failingSince:disableAfter:now:using:)``:
//    what an attempt's result means (delivered, retry at T, fail, disable the subscription).
// 2. ``DeliveryCompletion/applied(to:)``: what that does to the delivery's row.
// 3. ``CompletionPlan``: what a batch of completions does to the store — rows to save, attempts
//    to log, failure clocks to move, subscriptions to disable. Both stores' `complete(_:)` only
//    persist a plan.
//
// The tests read the same tables (SquawkStoreTests, "Delivery state machine").

/// What happened when a delivery was attempted, as the dispatcher saw it.
public enum AttemptResult: Sendable, Hashable {
    /// An HTTP response (any status). `retryAfter` is the parsed `Retry-After`, seconds.
    case response(status: Int, retryAfter: Double?)
    /// No response: timeout, refused connection, TLS failure…
    case transportError(kind: String, message: String)
    /// The resolved peer address was refused (private address, not allow-listed).
    case peerRefused(message: String)
}

/// The answer to one attempt.
public enum DeliveryAction: Sendable, Hashable {
    /// Done: 2xx.
    case delivered
    /// Try again after `delay` seconds. `throttleEndpoint` asks the dispatcher to slow the
    /// whole endpoint down (429, 502, 503, 504), until `delay` has passed.
    case retry(delay: Double, throttleEndpoint: Bool, reason: String)
    /// Give up on this delivery (schedule exhausted, or a permanent refusal).
    case fail(reason: String)
    /// Give up and disable the subscription: the receiver said it is gone, or has failed too long.
    case disableSubscription(reason: String)

    /// The completion that records `attempt` with this action (`now` + delay for a retry; the
    /// reason of a failure becomes the attempt's error).
    public func completion(_ attempt: DeliveryAttempt, now: Date, claim: Date? = nil) -> DeliveryCompletion {
        switch self {
        case .delivered:
            return DeliveryCompletion(attempt: attempt, next: .delivered, claim: claim)
        case .retry(let delay, _, _):
            return DeliveryCompletion(attempt: attempt, next: .retry(at: now.addingTimeInterval(delay)), claim: claim)
        case .fail(let reason):
            var a = attempt
            a.error = reason
            return DeliveryCompletion(attempt: a, next: .failed, claim: claim)
        case .disableSubscription(let reason):
            return DeliveryCompletion(attempt: attempt, next: .disableSubscription(reason: reason), claim: claim)
        }
    }
}

/// Step 1: what an attempt's result means. Status handling per Standard Webhooks / Svix:
///
/// | result | action |
/// | --- | --- |
/// | 2xx | delivered |
/// | 410 Gone | disable the subscription |
/// | 404 from a Discord webhook | disable the subscription (the webhook was deleted) |
/// | 429, 502, 503, 504 | retry per schedule, honouring `Retry-After`; throttle the endpoint |
/// | 3xx | failure (redirects are never followed), retry per schedule |
/// | other 4xx, 5xx, timeouts, connection errors | retry per schedule |
/// | peer address refused | fail at once (retrying cannot help; the operator's allow-list can) |
/// | schedule exhausted | fail |
/// | a failure while every attempt has failed for `disableAfter` or longer | disable the subscription |
public enum DeliveryDecision {
    public static func decide(
        _ result: AttemptResult, attempt: Int, format: PayloadFormat, policy: RetryPolicy,
        failingSince: Date? = nil, disableAfter: Double = .infinity, now: Date,
        using rng: inout some RandomNumberGenerator
    ) -> DeliveryAction {
        let action = decideAttempt(result, attempt: attempt, format: format, policy: policy, using: &rng)
        switch action {
        case .retry, .fail:
            guard let since = failingSince, now.timeIntervalSince(since) >= disableAfter else { return action }
            let days = (now.timeIntervalSince(since) / 86_400 * 10).rounded() / 10
            return .disableSubscription(reason: "every delivery failed for \(days) days (since \(since.formatted(.iso8601)))")
        case .delivered, .disableSubscription:
            return action
        }
    }

    static func decideAttempt(
        _ result: AttemptResult, attempt: Int, format: PayloadFormat, policy: RetryPolicy,
        using rng: inout some RandomNumberGenerator
    ) -> DeliveryAction {
        let reason: String
        var retryAfter: Double?
        var throttle = false
        switch result {
        case .response(let status, let ra):
            switch status {
            case 200..<300: return .delivered
            case 410: return .disableSubscription(reason: "the endpoint answered 410 Gone")
            case 404 where format == .discord: return .disableSubscription(reason: "Discord answered 404: the webhook was deleted")
            case 429, 502, 503, 504:
                throttle = true
                retryAfter = ra
                reason = "the endpoint answered \(status)"
            case 300..<400: reason = "the endpoint answered \(status) (redirects are not followed)"
            default: reason = "the endpoint answered \(status)"
            }
        case .transportError(let kind, let message):
            reason = "\(kind): \(message)"
        case .peerRefused(let message):
            return .fail(reason: "refused to connect: \(message)")
        }
        guard let delay = policy.delay(afterFailedAttempts: attempt, retryAfter: retryAfter, using: &rng) else {
            return .fail(reason: "\(reason); gave up after \(attempt) attempts")
        }
        return .retry(delay: delay, throttleEndpoint: throttle, reason: reason)
    }
}

extension DeliveryCompletion {
    /// Whether this completion may decide what happens to `delivery` now: it is unfinished and,
    /// when the completion names its claim, still held by that claim.
    public func applies(to delivery: Delivery) -> Bool {
        guard delivery.status.isUnfinished else { return false }
        guard let claim else { return true }
        return delivery.status == .inflight && delivery.leaseUntil == claim
    }

    /// Step 2: what this completion makes of `delivery`:
    ///
    /// | next | status | attempts, last error and status code | next attempt | completed |
    /// | --- | --- | --- | --- | --- |
    /// | `.delivered` | delivered | from the attempt¹ | unchanged | attempt time |
    /// | `.retry(at:)` | pending | from the attempt¹ | `at` | — |
    /// | `.failed`, `.disableSubscription` | failed | from the attempt¹ | unchanged | attempt time |
    /// | `.expired(reason)` | expired | last error = reason | unchanged | attempt time |
    ///
    /// ¹ For attempt numbers 1 and up: `attempts` becomes the larger of the two counts (a send
    /// repeated after an expired lease is not counted twice), last error and status code are the
    /// attempt's. Attempt 0 (paced, never sent) leaves all three as they were.
    /// The lease always ends.
    public func applied(to delivery: Delivery) -> Delivery {
        var d = delivery
        if attempt.attempt > 0 {
            d.attempts = max(d.attempts, attempt.attempt)
            d.lastError = attempt.error
            d.lastStatusCode = attempt.statusCode
        }
        d.leaseUntil = nil
        switch next {
        case .delivered:
            d.status = .delivered
            d.completedAt = attempt.at
        case .retry(let at):
            d.status = .pending
            d.nextAttemptAt = at
            d.completedAt = nil
        case .failed, .disableSubscription:
            d.status = .failed
            d.completedAt = attempt.at
        case .expired(let reason):
            d.status = .expired
            d.completedAt = attempt.at
            d.lastError = reason
        }
        return d
    }
}

extension Delivery {
    /// Failed because its subscription was disabled.
    public func failedByDisable(reason: String, at: Date) -> Delivery {
        var d = self
        d.status = .failed
        d.completedAt = at
        d.leaseUntil = nil
        d.lastError = CompletionPlan.disabledError(reason)
        return d
    }
}

/// A subscription's continuous-failure clock over one batch of attempts, in batch order.
public struct FailureClock: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// The last attempt succeeded: the clock stops.
        case stopped
        /// A success, then failures: the clock runs from the first failure after the success.
        case restarted(Date)
        /// Only failures: the clock keeps running from before, or starts at the first of them.
        case running(Date)
    }
    /// Nil until the first attempt.
    public private(set) var outcome: Outcome?

    public init() {}

    public mutating func succeeded() { outcome = .stopped }

    public mutating func failed(at: Date) {
        switch outcome {
        case nil: outcome = .running(at)
        case .stopped: outcome = .restarted(at)
        case .running, .restarted: break
        }
    }

    /// The clock's value after the batch, given its value before.
    public func failingSince(before: Date?) -> Date? {
        switch outcome {
        case nil: return before
        case .stopped: return nil
        case .restarted(let at): return at
        case .running(let at): return before ?? at
        }
    }
}

/// Step 3: what a batch of completions does to the store, worked out from the rows they name.
///
/// In batch order: each attempt numbered 1 or more is logged (attempt 0, a paced send, is not)
/// and moves its subscription's failure clock; its outcome is applied unless the delivery is
/// already finished or held by another claim (``DeliveryCompletion/applies(to:)``);
/// `.disableSubscription` disables the subscription and fails its pending deliveries — those in
/// the batch here, the rest by the store (``Disable``) — and a later completion in the batch that
/// would retry a delivery of a disabled subscription fails it instead. Completions for
/// deliveries that no longer exist are skipped.
public struct CompletionPlan: Sendable, Hashable {
    public struct Disable: Sendable, Hashable {
        public var subscriptionId: String
        public var reason: String
        public var at: Date

        public init(subscriptionId: String, reason: String, at: Date) {
            self.subscriptionId = subscriptionId
            self.reason = reason
            self.at = at
        }
    }
    /// Rows to write, final state, in the order they first changed.
    public var saves: [Delivery] = []
    /// Attempts to log, in batch order.
    public var attempts: [DeliveryAttempt] = []
    /// Each subscription's clock over the batch, by subscription id (no entry: no real attempt).
    public var clocks: [String: FailureClock] = [:]
    /// Subscriptions to disable; the store also fails their pending deliveries not in ``saves``.
    public var disables: [Disable] = []

    /// The error a delivery fails with when its subscription is disabled.
    public static func disabledError(_ reason: String) -> String { "subscription disabled: " + reason }

    /// The plan for `completions` against the current rows (`current`: by id; missing = deleted).
    public init(_ completions: [DeliveryCompletion], current rows: [String: Delivery]) {
        var current = rows
        var order: [String] = []
        var changed = Set<String>()
        var disabled: [String: String] = [:]
        func change(_ d: Delivery) {
            current[d.id] = d
            if changed.insert(d.id).inserted { order.append(d.id) }
        }
        for completion in completions {
            guard let before = current[completion.attempt.deliveryId] else { continue }
            let subscription = before.subscriptionId
            if completion.attempt.attempt > 0 {
                attempts.append(completion.attempt)
                if case .delivered = completion.next {
                    clocks[subscription, default: FailureClock()].succeeded()
                } else {
                    clocks[subscription, default: FailureClock()].failed(at: completion.attempt.at)
                }
            }
            guard completion.applies(to: before) else { continue }
            var after = completion.applied(to: before)
            if let reason = disabled[subscription], after.status == .pending {
                after = after.failedByDisable(reason: reason, at: completion.attempt.at)
            }
            change(after)
            if case .disableSubscription(let reason) = completion.next, disabled[subscription] == nil {
                disabled[subscription] = reason
                disables.append(Disable(subscriptionId: subscription, reason: reason, at: completion.attempt.at))
                let siblings = current.values.filter { $0.subscriptionId == subscription && $0.status == .pending }
                for other in siblings.sorted(by: { $0.id < $1.id }) {
                    change(other.failedByDisable(reason: reason, at: completion.attempt.at))
                }
            }
        }
        saves = order.compactMap { current[$0] }
    }
}
