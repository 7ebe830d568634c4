import Foundation
import Testing
@testable import SquawkCore

@Suite("Request budget and poll plan")
struct PollBudgetTests {
    struct LCG: RandomNumberGenerator {
        var s: UInt64
        mutating func next() -> UInt64 { s = s &* 6364136223846793005 &+ 1442695040888963407; return s }
    }

    @Test("no 60-second window ever holds more than the limit, whatever the request pattern")
    func slidingWindow() {
        var rng = LCG(s: 7)
        for limit in [1, 5, 30, 100] {
            var budget = RequestBudget(limit: limit)
            var sent: [Double] = []
            var t = 0.0
            for _ in 0..<5000 {
                t += Double.random(in: 0...4, using: &rng)
                let now = Date(timeIntervalSince1970: t)
                let next = budget.nextAllowed(at: now)
                if next <= now {
                    do { let ok = budget.spend(at: now); #expect(ok) }
                    sent.append(t)
                } else {
                    do { let ok = budget.spend(at: now); #expect(!ok) }
                }
            }
            // Check every window [s, s+60) that starts at a send.
            var j = 0
            for i in sent.indices {
                while j < sent.count, sent[j] < sent[i] + 60 { j += 1 }
                #expect(j - i <= limit)
            }
            #expect(sent.count > 0)
        }
    }

    @Test("nextAllowed names the moment a slot frees")
    func nextAllowed() {
        var b = RequestBudget(limit: 2, window: 61)
        let t0 = Date(timeIntervalSince1970: 1000)
        do { let ok = b.spend(at: t0); #expect(ok) }
        do { let ok = b.spend(at: t0.addingTimeInterval(10)); #expect(ok) }
        #expect(b.nextAllowed(at: t0.addingTimeInterval(20)) == t0.addingTimeInterval(61))
        do { let ok = b.spend(at: t0.addingTimeInterval(60)); #expect(!ok) }
        do { let ok = b.spend(at: t0.addingTimeInterval(61)); #expect(ok) }
    }

    @Test("a 429 blocks the budget until Retry-After")
    func block() {
        var b = RequestBudget(limit: 30)
        let t0 = Date(timeIntervalSince1970: 5000)
        b.block(until: t0.addingTimeInterval(40), now: t0)
        #expect(b.nextAllowed(at: t0) == t0.addingTimeInterval(40))
        do { let ok = b.spend(at: t0.addingTimeInterval(39)); #expect(!ok) }
        do { let ok = b.spend(at: t0.addingTimeInterval(40)); #expect(ok) }
    }

    @Test("plans fit the budget: minimum intervals when they fit, evenly stretched when not")
    func plan() {
        let three: Set<PollTask> = [.sessions, .flights(server: "a"), .atc(server: "a"), .flights(server: "b"), .atc(server: "b"),
                                    .flights(server: "c"), .atc(server: "c")]
        let p = PollPlan.make(tasks: three, limit: 30)
        #expect(!p.degraded)
        #expect(abs(p.requestsPerMinute - 24.1) < 0.01)
        #expect(p.summary.contains("= 24.1 requests/min of 30"))

        var many = three
        for i in 0..<10 { many.insert(.atis(server: "a", airport: "K\(i)")); many.insert(.flightPlan(server: "a", flight: "f\(i)")) }
        many.insert(.world(server: "a"))
        let q = PollPlan.make(tasks: many, limit: 30)
        #expect(q.degraded)
        #expect(q.requestsPerMinute <= 28.0001)
        for e in q.entries { #expect(e.interval >= e.task.minimumInterval) }
        let pro = PollPlan.make(tasks: many, limit: 100)
        #expect(!pro.degraded)
    }
}

/// Issue 20, item 5: the upstream margin, by value.
@Suite("Upstream margin")
struct UpstreamMarginTests {
    @Test("the poller keeps 90 % of the key's budget by default: 27 of 30, 90 of 100, at least 1")
    func headroom() {
        #expect(RequestBudget.headroom(30, share: 0.9) == 27)
        #expect(RequestBudget.headroom(100, share: 0.9) == 90)
        #expect(RequestBudget.headroom(1, share: 0.9) == 1)
        #expect(RequestBudget.headroom(30, share: 1) == 30)
    }

    @Test("a failed read is retried after 5, 10, 20, 40, then 60 s")
    func retryDelays() {
        #expect((1...7).map { RequestBudget.retryDelay(afterFailures: $0) } == [5, 10, 20, 40, 60, 60, 60])
    }

    @Test("after a 429: nothing before Retry-After, then half the rate for a window, then the full rate")
    func halving() {
        var b = RequestBudget(limit: 10)
        let t0 = Date(timeIntervalSince1970: 10_000)
        b.block(until: t0.addingTimeInterval(30), now: t0)
        #expect(b.nextAllowed(at: t0) == t0.addingTimeInterval(30))
        var sent = 0
        var t = t0.addingTimeInterval(30)
        while t < t0.addingTimeInterval(30 + 60) {
            if b.spend(at: t) { sent += 1 }
            t = t.addingTimeInterval(1)
        }
        #expect(sent == 5)
        #expect(b.limit(at: t0.addingTimeInterval(30 + 61)) == 10)
    }

    @Test("with 429s at random, no 60 s window ever holds more than the limit (plain count of the sends)")
    func neverOverLimit() {
        var rng = PollBudgetTests.LCG(s: 99)
        var b = RequestBudget(limit: 27)
        var sends: [Double] = []
        var t = 0.0
        for _ in 0..<20_000 {
            t += Double.random(in: 0...3, using: &rng)
            let now = Date(timeIntervalSince1970: t)
            if Int.random(in: 0..<500, using: &rng) == 0 { b.block(until: now.addingTimeInterval(Double.random(in: 1...60, using: &rng)), now: now) }
            if b.nextAllowed(at: now) <= now, b.spend(at: now) { sends.append(t) }
        }
        var j = 0
        for i in sends.indices {
            while j < sends.count, sends[j] < sends[i] + 60 { j += 1 }
            #expect(j - i <= 27)
        }
        #expect(sends.count > 1_000)
    }
}
