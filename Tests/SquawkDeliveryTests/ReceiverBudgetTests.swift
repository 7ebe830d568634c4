import Foundation
@testable import SquawkCore
import Testing

/// The receiver budget against a plain reading of "at most `limit` requests in any `seconds`".
@Suite("Receiver budgets")
struct ReceiverBudgetTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// The plain reading: for every send, the sends in the `seconds` ending at it (that one
    /// included) are at most `limit`. (A window holding the most sends ends at a send.)
    static func obeys(_ sends: [Date], _ window: ReceiverBudget.Window) -> Bool {
        let times = sends.map { $0.timeIntervalSince(t0) }.sorted()
        for (i, t) in times.enumerated() {
            let inWindow = times[...i].filter { $0 > t - window.seconds }.count
            if inWindow > window.limit { return false }
        }
        return true
    }

    @Test("Discord's two windows by hand: five at once, the sixth 2 s (+ margin) after the first, the 31st 60 s after the first")
    func discordByHand() {
        var ledger = BudgetLedger()
        let budget = ReceiverBudget.discord
        for i in 0..<5 {
            #expect(ledger.allows(budget, now: Self.t0.addingTimeInterval(Double(i) * 0.01)))
            ledger.record(Self.t0.addingTimeInterval(Double(i) * 0.01), budget: budget)
        }
        #expect(!ledger.allows(budget, now: Self.t0.addingTimeInterval(1)))
        #expect(ledger.nextSlot(budget, now: Self.t0.addingTimeInterval(1)) == Self.t0.addingTimeInterval(2.25))
        let slots = ledger.slots(40, budget: budget, now: Self.t0.addingTimeInterval(0.05))
        #expect(slots == slots.sorted())
        let all = (0..<5).map { Self.t0.addingTimeInterval(Double($0) * 0.01) } + slots
        for w in budget.windows { #expect(Self.obeys(all, w), "\(w)") }
        // 30 in the first minute, no more: the 31st send waits for the first to be 60 s old.
        #expect(all[30].timeIntervalSince(all[0]) >= 60)
    }

    @Test("a receiver's hold (429, rate-limit reset) comes first")
    func hold() {
        var ledger = BudgetLedger()
        ledger.notBefore = Self.t0.addingTimeInterval(30)
        #expect(ledger.nextSlot(.slack, now: Self.t0) == Self.t0.addingTimeInterval(30))
        #expect(ledger.allows(.slack, now: Self.t0.addingTimeInterval(30)))
    }

    @Test("a ledger read back from a store (in any order) decides as the one that recorded the sends; a forgotten send frees its slot")
    func readBackAndForget() {
        let budget = ReceiverBudget.discord
        var recorded = BudgetLedger()
        var rng = SplitMix64(seed: 7)
        var times: [Date] = []
        var now = Self.t0
        for _ in 0..<200 {
            now = now.addingTimeInterval(Double(Int.random(in: 0...900, using: &rng)) / 1000)
            if recorded.allows(budget, now: now) {
                recorded.record(now, budget: budget)
                times.append(now)
            }
        }
        let hold = now.addingTimeInterval(1)
        recorded.notBefore = hold
        let readBack = BudgetLedger(sent: times.shuffled(using: &rng), notBefore: hold, budget: budget)
        #expect(readBack == recorded)
        for dt in stride(from: 0.0, through: 70, by: 0.125) {
            #expect(readBack.nextSlot(budget, now: now.addingTimeInterval(dt)) == recorded.nextSlot(budget, now: now.addingTimeInterval(dt)))
        }
        var full = BudgetLedger()
        for i in 0..<5 { full.record(Self.t0.addingTimeInterval(Double(i) * 0.1), budget: budget) }
        #expect(!full.allows(budget, now: Self.t0.addingTimeInterval(1)))
        full.forget(Self.t0.addingTimeInterval(0.4))
        #expect(full.allows(budget, now: Self.t0.addingTimeInterval(1)))
        #expect(full.sent.count == 4)
    }

    @Test("a subscription's maxPerMinute adds a window")
    func lowered() {
        let budget = ReceiverBudget.discord.lowered(perMinute: 6)
        #expect(budget.windows.count == 3)
        let slots = BudgetLedger().slots(12, budget: budget, now: Self.t0)
        #expect(slots[6].timeIntervalSince(slots[0]) >= 60)
        #expect(ReceiverBudget.slack.lowered(perMinute: nil) == .slack)
    }

    @Test("5,000 generated traffic patterns: sends never break a window, and a refused send's next slot is the earliest that fits")
    func generated() {
        var rng = SplitMix64(seed: 19)
        let budgets: [ReceiverBudget] = [.discord, .slack, .standard, .discord.lowered(perMinute: 12),
                                         ReceiverBudget([.init(limit: 3, seconds: 1), .init(limit: 7, seconds: 5)])]
        for _ in 0..<5_000 {
            let budget = budgets[Int.random(in: 0..<budgets.count, using: &rng)]
            var ledger = BudgetLedger()
            var sends: [Date] = []
            var now = Self.t0
            for _ in 0..<Int.random(in: 1...60, using: &rng) {
                now = now.addingTimeInterval(Double(Int.random(in: 0...800, using: &rng)) / 1000)
                let slot = ledger.nextSlot(budget, now: now)
                #expect(slot >= now)
                if slot > now {
                    #expect(!ledger.allows(budget, now: now))
                    // Earliest: a millisecond before the slot is still too early.
                    #expect(!ledger.allows(budget, now: slot.addingTimeInterval(-0.001)) || slot.timeIntervalSince(now) < 0.001)
                }
                #expect(ledger.allows(budget, now: slot))
                // Sometimes the caller waits for the slot, sometimes it gives up.
                if slot == now || Bool.random(using: &rng) {
                    ledger.record(slot, budget: budget)
                    sends.append(slot)
                    now = slot
                }
            }
            for w in budget.windows {
                let withMargin = ReceiverBudget.Window(limit: w.limit, seconds: w.seconds + budget.margin)
                #expect(Self.obeys(sends, withMargin), "\(budget) \(sends.map { $0.timeIntervalSince(Self.t0) })")
            }
        }
    }
}
