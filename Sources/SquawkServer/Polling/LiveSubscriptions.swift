import NIOConcurrencyHelpers
import SquawkCore

/// The active subscriptions as the running service sees them: the matcher that routes events,
/// and the compact interests the poller derives its needs from (not whole subscriptions: a
/// million of those would not fit the memory goal). Loaded from the store at start and kept in
/// step by the API's change notifications (``apply(_:)``); reads are lock-protected snapshots.
public final class LiveSubscriptions: Sendable {
    struct State {
        var byId: [String: PollInterest] = [:]
        /// The FLS ones again, so the FLS poller need not walk every subscription.
        var fls: [String: PollInterest] = [:]
        var matcher = Matcher()
        var version = 0
        /// The hash of the list the last ``replaceAll(_:)`` brought.
        var fingerprint: Int?

        /// Sets (or with nil removes) the interest of subscription `id`.
        mutating func set(_ id: String, _ interest: PollInterest?) {
            byId[id] = interest
            fls[id] = interest.flatMap { $0.kind == .flsFlight || $0.kind == .flsClub ? $0 : nil }
        }
    }
    private let state = NIOLockedValueBox(State())

    public init(_ subscriptions: [Subscription] = []) {
        state.withLockedValue { s in
            for sub in subscriptions where sub.status == .active {
                s.set(sub.id, PollInterest(sub))
                s.matcher.insert(sub)
            }
        }
    }

    /// Applies a change made through the API (or by the delivery layer).
    public func apply(_ change: SubscriptionChange) {
        state.withLockedValue { s in
            switch change {
            case .upserted(let sub):
                s.matcher.insert(sub)
                s.set(sub.id, sub.status == .active ? PollInterest(sub) : nil)
            case .deleted(let id):
                s.matcher.remove(id: id)
                s.set(id, nil)
            }
            s.fingerprint = nil
            s.version += 1
        }
    }

    /// Replaces every subscription by `subscriptions` (the active ones are kept), as read from the
    /// store; nothing is rebuilt, and the version stays, when they are what the last replacement
    /// brought (compared by a hash of the whole list).
    public func replaceAll(_ subscriptions: [Subscription]) {
        var hasher = Hasher()
        hasher.combine(subscriptions)
        let fingerprint = hasher.finalize()
        guard state.withLockedValue({ $0.fingerprint != fingerprint }) else { return }
        var fresh = State()
        for sub in subscriptions where sub.status == .active {
            fresh.set(sub.id, PollInterest(sub))
            fresh.matcher.insert(sub)
        }
        state.withLockedValue { s in
            s.byId = fresh.byId
            s.fls = fresh.fls
            s.matcher = fresh.matcher
            s.fingerprint = fingerprint
            s.version += 1
        }
    }

    /// What the poller needs to know of each active subscription.
    public var interests: [PollInterest] { state.withLockedValue { Array($0.byId.values) } }

    /// The interests of the active FLS subscriptions (`fls_flight`, `fls_club`) only.
    public var flsInterests: [PollInterest] { state.withLockedValue { Array($0.fls.values) } }

    public func interest(id: String) -> PollInterest? { state.withLockedValue { $0.byId[id] } }

    /// Increments on every change, so the poller knows when to recompute its plan.
    public var version: Int { state.withLockedValue { $0.version } }

    /// For each event (by position), the ids of the subscriptions that want it.
    public func match(_ events: [FlightEvent]) -> [[String]] { state.withLockedValue { $0.matcher.match(events) } }

    public var count: Int { state.withLockedValue { $0.byId.count } }
}
