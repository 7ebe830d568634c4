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

    public init(limit: Int = 30, window: Double = 61) {
        precondition(limit > 0)
        self.limit = limit
        self.window = window
    }

    /// When the next request may be sent: `now` if there is room, else when the oldest leaves.
    public func nextAllowed(at now: Date) -> Date {
        let live = spent.filter { now.timeIntervalSince($0) < window }
        if live.count < limit { return now }
        return live[live.count - limit].addingTimeInterval(window)
    }

    /// Records a request at `now`. Returns false (and records nothing) when that would exceed.
    @discardableResult
    public mutating func spend(at now: Date) -> Bool {
        spent.removeAll { now.timeIntervalSince($0) >= window }
        guard spent.count < limit else { return false }
        spent.append(now)
        return true
    }

    /// After a 429 with `Retry-After`, nothing may be sent before `until`: fill the window.
    public mutating func block(until: Date, now: Date) {
        spent.removeAll { now.timeIntervalSince($0) >= window }
        let fillAt = until.addingTimeInterval(-window)
        while spent.count < limit { spent.append(fillAt) }
        spent.sort()
        spent = spent.map { max($0, fillAt) }
    }

    /// Adds requests another holder of this budget spent (a previous polling leader), keeping
    /// those still inside the window at `now`.
    public mutating func restore(_ times: [Date], now: Date) {
        spent = (spent + times).filter { now.timeIntervalSince($0) < window }.sorted()
    }

    /// Requests spent in the window ending at `now`.
    public func used(at now: Date) -> Int { spent.filter { now.timeIntervalSince($0) < window }.count }
}
