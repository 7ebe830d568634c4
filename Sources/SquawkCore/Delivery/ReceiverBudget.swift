import Foundation

/// What a receiver allows, as sliding windows: at most `limit` requests in any `seconds`
/// (../shared/FACTS.md, "Chat receivers"). Policy as data (DESIGN.md rule 4): the ledger below
/// applies it to times passed in.
public struct ReceiverBudget: Sendable, Hashable {
    public struct Window: Sendable, Hashable {
        public var limit: Int
        public var seconds: Double
        public init(limit: Int, seconds: Double) {
            self.limit = max(1, limit)
            self.seconds = seconds
        }
    }
    public var windows: [Window]
    /// Kept on top of every window: requests leave at their slot but reach the receiver after a
    /// varying delay, so two sends exactly a window apart may arrive closer than that.
    public var margin: Double

    public init(_ windows: [Window], margin: Double = 0) {
        self.windows = windows
        self.margin = margin
    }

    /// Discord: 5 requests per 2 s per webhook and 30 messages per 60 s per channel.
    public static let discord = ReceiverBudget([Window(limit: 5, seconds: 2), Window(limit: 30, seconds: 60)], margin: 0.25)
    /// Slack incoming webhooks: about one message a second.
    public static let slack = ReceiverBudget([Window(limit: 1, seconds: 1)], margin: 0.1)
    /// Any other receiver: 50 a second.
    public static let standard = ReceiverBudget([Window(limit: 50, seconds: 1)])

    /// The budget for a format.
    public static func `for`(_ format: PayloadFormat) -> ReceiverBudget {
        switch format {
        case .discord: .discord
        case .slack: .slack
        case .json, .flifo: .standard
        }
    }

    /// This budget with a subscription's own cap added (`maxPerMinute`; nil: none).
    public func lowered(perMinute: Int?) -> ReceiverBudget {
        guard let perMinute, perMinute > 0 else { return self }
        return ReceiverBudget(windows + [Window(limit: perMinute, seconds: 60)], margin: margin)
    }

    /// The longest window with its margin: sends older than this no longer matter.
    public var horizon: Double { (windows.map(\.seconds).max() ?? 0) + margin }

    /// The steady spacing the budget allows in the long run (Discord: 2 s, Slack: 1 s).
    public var spacing: Double { windows.map { $0.seconds / Double($0.limit) }.max() ?? 0 }
}

/// The sends one endpoint made within its budget's horizon, and a "not before" time its
/// receiver set (a 429's `retry_after`, Discord's `X-RateLimit-Reset-After` at 0 remaining).
public struct BudgetLedger: Sendable, Hashable {
    /// Send times, ascending.
    public private(set) var sent: [Date] = []
    public var notBefore: Date?

    public init() {}

    /// The ledger of sends read back from elsewhere (another instance's, a store's), in any
    /// order, as if each had been recorded, and a hold.
    public init(sent times: [Date], notBefore: Date?, budget: ReceiverBudget) {
        for t in times.sorted() { record(t, budget: budget) }
        self.notBefore = notBefore
    }

    /// The earliest time at or after `now` when one more send keeps every window within its
    /// limit: for a window of `limit` sends in `seconds`, the `limit`-th most recent send must be
    /// at least `seconds` (plus the budget's margin) before it.
    public func nextSlot(_ budget: ReceiverBudget, now: Date) -> Date {
        var t = max(now, notBefore ?? now)
        for w in budget.windows where sent.count >= w.limit {
            t = max(t, sent[sent.count - w.limit].addingTimeInterval(w.seconds + budget.margin))
        }
        return t
    }

    /// Whether a send at `now` fits.
    public func allows(_ budget: ReceiverBudget, now: Date) -> Bool { nextSlot(budget, now: now) <= now }

    /// Records a send at `at` (times are kept in order; old ones beyond the horizon are dropped).
    public mutating func record(_ at: Date, budget: ReceiverBudget) {
        let index = sent.lastIndex { $0 <= at }.map { $0 + 1 } ?? 0
        sent.insert(at, at: index)
        let cutoff = at.addingTimeInterval(-budget.horizon)
        if let keep = sent.firstIndex(where: { $0 > cutoff }), keep > 0 { sent.removeFirst(keep) }
        let longest = budget.windows.map(\.limit).max() ?? 1
        if sent.count > longest { sent.removeFirst(sent.count - longest) }
    }

    /// Forgets one send recorded at `at` (a slot taken for a send that did not happen).
    public mutating func forget(_ at: Date) {
        if let i = sent.lastIndex(of: at) { sent.remove(at: i) }
    }

    /// `count` successive slots from `now`, as if each were used when it comes: where to
    /// schedule deliveries the budget cannot send now, one slot each, instead of all at the first.
    public func slots(_ count: Int, budget: ReceiverBudget, now: Date) -> [Date] {
        var copy = self
        var out: [Date] = []
        var t = now
        for _ in 0..<max(0, count) {
            t = copy.nextSlot(budget, now: t)
            out.append(t)
            copy.record(t, budget: budget)
        }
        return out
    }
}
