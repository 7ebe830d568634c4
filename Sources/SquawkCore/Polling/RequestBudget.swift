import Foundation

/// The Live API's request budget as a sliding window: at most `limit` requests in any `window`
/// (30 per minute per key by default; 100 with a Pro key). A value type on times passed in.
///
/// The window is one second longer than the upstream's minute, so clock skew between Squawk and
/// the upstream can never make a burst look like 31 in the upstream's own minute.
public struct RequestBudget: Sendable, Hashable {
    public var limit: Int
    public var window: Double
    /// Times of the requests spent within the last window, oldest first.
    public private(set) var spent: [Date] = []
    /// After a 429: until then the limit is halved (see ``block(until:now:)``).
    public private(set) var halvedUntil: Date?

    public init(limit: Int = 30, window: Double = 61) {
        precondition(limit > 0)
        self.limit = limit
        self.window = window
    }

    /// The limit in force at `now`: half of ``limit`` (at least 1) for a window after a 429.
    public func limit(at now: Date) -> Int {
        if let halvedUntil, now < halvedUntil { return max(1, limit / 2) }
        return limit
    }

    /// When the next request may be sent: `now` if there is room, else when the oldest leaves.
    public func nextAllowed(at now: Date) -> Date {
        let live = spent.filter { now.timeIntervalSince($0) < window }
        let limit = limit(at: now)
        if live.count < limit { return now }
        let freed = live[live.count - limit].addingTimeInterval(window)
        // Past the halving the full limit may free a slot sooner.
        if let halvedUntil, halvedUntil > now, halvedUntil < freed, live.filter({ halvedUntil.timeIntervalSince($0) < window }).count < self.limit {
            return halvedUntil
        }
        return freed
    }

    /// Records a request at `now`. Returns false (and records nothing) when that would exceed.
    @discardableResult
    public mutating func spend(at now: Date) -> Bool {
        spent.removeAll { now.timeIntervalSince($0) >= window }
        guard spent.count < limit(at: now) else { return false }
        spent.append(now)
        return true
    }

    /// After a 429 with `Retry-After`: nothing may be sent before `until` (the window is filled),
    /// and for one window after it the rate is halved, so the upstream's own count can drain
    /// instead of meeting a full burst the moment the wait ends.
    public mutating func block(until: Date, now: Date) {
        spent.removeAll { now.timeIntervalSince($0) >= window }
        let fillAt = until.addingTimeInterval(-window)
        while spent.count < limit { spent.append(fillAt) }
        spent.sort()
        spent = spent.map { max($0, fillAt) }
        halvedUntil = max(halvedUntil ?? until, until.addingTimeInterval(window))
    }

    /// The effective limit for a key allowing `perMinute`, keeping `share` of it (0.9: 27 of 30).
    public static func headroom(_ perMinute: Int, share: Double) -> Int {
        max(1, Int((Double(perMinute) * min(1, max(0.01, share))).rounded(.down)))
    }

    /// Seconds before retrying a request that failed `failures` times in a row: 5, 10, 20, 40,
    /// then 60 at most.
    public static func retryDelay(afterFailures failures: Int) -> Double {
        guard failures > 0 else { return 0 }
        return min(60, 5 * pow(2, Double(min(failures, 10) - 1)))
    }

    /// Adds requests another holder of this budget spent (a previous polling leader), keeping
    /// those still inside the window at `now`.
    public mutating func restore(_ times: [Date], now: Date) {
        spent = (spent + times).filter { now.timeIntervalSince($0) < window }.sorted()
    }

    /// Requests spent in the window ending at `now`.
    public func used(at now: Date) -> Int { spent.filter { now.timeIntervalSince($0) < window }.count }
}
