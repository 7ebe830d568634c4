import Foundation
import SquawkCore
import SquawkHTTP
@testable import SquawkServer
import Testing

/// Pacing chat endpoints by schedule (issue 19, items 1 and 2), by value.
@Suite("Endpoint limiter: receiver budgets, promised slots, what receivers say")
struct EndpointLimiterTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let hook = "https://discord.com/api/webhooks/1/abc"

    /// Plays a backlog of `count` deliveries to one endpoint, all due at once: each is asked at
    /// its due time, sent when granted (and its in-flight slot given back), otherwise put back
    /// to the slot it is promised. Returns the send times and how often deliveries were asked.
    static func play(_ count: Int, format: PayloadFormat, arrivals: [Double] = []) -> (sends: [Date], asks: Int) {
        var limiter = EndpointLimiter()
        var due: [(at: Date, id: String)] = (0..<count).map { (t0, "d\($0)") }
        due += arrivals.enumerated().map { (t0.addingTimeInterval($0.element), "late\($0.offset)") }
        var sends: [Date] = []
        var asks = 0
        while let next = due.min(by: { ($0.at, $0.id) < ($1.at, $1.id) }) {
            due.removeAll { $0.id == next.id }
            asks += 1
            if let later = limiter.acquire(hook, format: format, delivery: next.id, now: next.at) {
                #expect(later > next.at)
                due.append((later, next.id))
            } else {
                sends.append(next.at)
                limiter.release(hook)
            }
        }
        return (sends, asks)
    }

    @Test("a backlog of 120 to one Discord webhook: never more than 5 in 2 s or 30 in 60 s, each delivery asked at most twice")
    func discordBacklog() {
        let (sends, asks) = Self.play(120, format: .discord, arrivals: [0.5, 3, 7.5, 40, 41])
        #expect(sends.count == 125)
        for w in ReceiverBudget.discord.windows { #expect(ReceiverBudgetWindows.obeys(sends, w)) }
        // Scheduling, not churn: one ask when sent at once, two when put back to a promised slot.
        #expect(asks <= 2 * 125)
        #expect(Double(asks) / 125 <= 2)
        // And not slower than the budget allows: 30 a minute after the first burst.
        let span = sends.last!.timeIntervalSince(sends.first!)
        #expect(span < 60 * 125 / 30 + 10, "\(span) s")
    }

    @Test("Slack: one a second, in the order they came")
    func slackOrder() {
        let (sends, _) = Self.play(10, format: .slack)
        #expect(ReceiverBudgetWindows.obeys(sends, .init(limit: 1, seconds: 1)))
        #expect(sends.count == 10)
    }

    @Test("a fresh delivery does not jump the queue of promised ones")
    func firstComeFirstServed() {
        var limiter = EndpointLimiter()
        for i in 0..<5 { #expect(limiter.acquire(Self.hook, format: .discord, delivery: "a\(i)", now: Self.t0) == nil) }
        for _ in 0..<5 { limiter.release(Self.hook) }
        let promised = limiter.acquire(Self.hook, format: .discord, delivery: "waiting", now: Self.t0.addingTimeInterval(0.1))
        #expect(promised == Self.t0.addingTimeInterval(2.25))
        // A fresh one asking just before that slot is not put before "waiting"…
        let fresh = limiter.acquire(Self.hook, format: .discord, delivery: "fresh", now: Self.t0.addingTimeInterval(2.24))
        #expect(fresh.map { $0 >= promised! } == true)
        // …and "waiting" gets its slot when it comes.
        #expect(limiter.acquire(Self.hook, format: .discord, delivery: "waiting", now: promised!) == nil)
    }

    @Test("a trickle into a busy channel shares its promised slots, ten events to a message, against a plain count of 200 generated arrivals")
    func trickleShares() {
        var limiter = EndpointLimiter()
        let key = "sub:trickle"
        var rng = SplitMix64(seed: 19)
        // Exhaust the 2 s window: five messages now.
        for _ in 0..<5 { #expect(limiter.acquire(Self.hook, format: .discord, delivery: key, now: Self.t0, reserve: false) == nil); limiter.release(Self.hook) }
        var assigned: [Date] = []
        var t = Self.t0
        for _ in 0..<200 {
            t = t.addingTimeInterval(Double.random(in: 0...0.3, using: &rng))
            let n = Int.random(in: 1...3, using: &rng)
            let slots = limiter.promiseEvents(Self.hook, format: .discord, key: key, events: n, perMessage: 10, now: Self.t0)
            #expect(slots.count == n)
            assigned += slots
        }
        // The plain reading: Discord's budget may promise up to 5 slots at one instant, so the
        // messages at an instant are its events in tens; packed tight, they are the events in tens
        // overall (nothing was granted meanwhile, so nothing could leave room behind).
        let perInstant = Dictionary(grouping: assigned, by: { $0 }).mapValues(\.count)
        let messages = perInstant.sorted { $0.key < $1.key }.flatMap { repeatElement($0.key, count: ($0.value + 9) / 10) }
        #expect(messages.count == (assigned.count + 9) / 10, "\(perInstant.sorted { $0.key < $1.key }.map(\.value))")
        #expect(assigned == assigned.sorted(), "each event's slot no earlier than the one before")
        // And the messages keep to the budget.
        for w in ReceiverBudget.discord.windows { #expect(ReceiverBudgetWindows.obeys([Date](repeating: Self.t0, count: 5) + messages, w)) }
    }

    @Test("a grant withdrawn (another instance took the slot) gives back its slot and its place in flight")
    func withdraw() {
        var limiter = EndpointLimiter(maxInFlight: 5)
        for i in 0..<5 { #expect(limiter.acquire(Self.hook, format: .discord, delivery: "a\(i)", now: Self.t0) == nil) }
        #expect(limiter.inFlight(Self.hook) == 5)
        limiter.withdraw(Self.hook, sentAt: Self.t0)
        #expect(limiter.inFlight(Self.hook) == 4)
        #expect(limiter.budget(for: .discord, perMinute: 6) == ReceiverBudget.discord.lowered(perMinute: 6))
        // The fifth send did not happen: one more may go in the same 2 s.
        #expect(limiter.acquire(Self.hook, format: .discord, delivery: "b", now: Self.t0.addingTimeInterval(1)) == nil)
        #expect(limiter.acquire(Self.hook, format: .discord, delivery: "c", now: Self.t0.addingTimeInterval(1)) != nil)
    }

    @Test("a global hold stops every webhook on the host; another host goes on")
    func globalHold() {
        var limiter = EndpointLimiter()
        limiter.throttle(Self.hook, global: true, until: Self.t0.addingTimeInterval(10))
        #expect(limiter.acquire("https://discord.com/api/webhooks/2/def", format: .discord, delivery: "x", now: Self.t0) == Self.t0.addingTimeInterval(10))
        #expect(limiter.acquire("https://hooks.slack.com/services/T/B/C", format: .slack, delivery: "y", now: Self.t0) == nil)
    }

    @Test("what receivers say: a 429's JSON retry_after and global flag, Discord's headers at 0 remaining, Retry-After")
    func receiverLimits() {
        let json = [("content-type", "application/json")]
        let body = Array(#"{"message": "You are being rate limited.", "retry_after": 1.75, "global": true}"#.utf8)
        let limited = ReceiverLimits(HTTPResponse(status: 429, headers: json, body: body), now: Self.t0)
        #expect(limited.retryAfter == 1.75)
        #expect(limited.global)
        #expect(limited.holdUntil == Self.t0.addingTimeInterval(1.75))
        let exhausted = ReceiverLimits(HTTPResponse(status: 204, headers: [("x-ratelimit-remaining", "0"), ("x-ratelimit-reset-after", "2.5")]),
                                       now: Self.t0)
        #expect(exhausted.holdUntil == Self.t0.addingTimeInterval(2.5))
        #expect(exhausted.retryAfter == nil)
        let fine = ReceiverLimits(HTTPResponse(status: 204, headers: [("x-ratelimit-remaining", "3"), ("x-ratelimit-reset-after", "2.5")]), now: Self.t0)
        #expect(fine.holdUntil == nil)
        let slack = ReceiverLimits(HTTPResponse(status: 429, headers: [("retry-after", "30")]), now: Self.t0)
        #expect(slack.retryAfter == 30)
        #expect(slack.holdUntil == Self.t0.addingTimeInterval(30))
        #expect(!slack.global)
    }
}

/// The plain reading of a window, shared by the limiter tests.
enum ReceiverBudgetWindows {
    static func obeys(_ sends: [Date], _ window: ReceiverBudget.Window) -> Bool {
        let times = sends.map(\.timeIntervalSince1970).sorted()
        for (i, t) in times.enumerated() where times[...i].filter({ $0 > t - window.seconds }).count > window.limit { return false }
        return true
    }
}
