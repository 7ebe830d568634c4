import Foundation
import Testing
@testable import SquawkCore

/// The per-key write budget, held to a plain count of the writes in the last minute.
@Suite("Per-key write budget")
struct KeyRateLimitTests {
    @Test("a burst of perMinute, then one every 60/perMinute s; keys apart; 0 is no limit")
    func bucket() {
        var limit = KeyRateLimit(perMinute: 6)
        let t0 = Date(timeIntervalSince1970: 1_000)
        for _ in 0..<6 { #expect(limit.admit("a", now: t0) == nil) }
        #expect(limit.admit("a", now: t0) == 10)
        #expect(limit.admit("b", now: t0) == nil)
        #expect(limit.admit("a", now: t0.addingTimeInterval(9)) == 1)
        #expect(limit.admit("a", now: t0.addingTimeInterval(10)) == nil)
        var none = KeyRateLimit(perMinute: 0)
        for _ in 0..<1_000 { #expect(none.admit("a", now: t0) == nil) }
    }

    @Test("over random request times, never more than perMinute + the refill in any 60 s window")
    func neverOverspends() {
        var rng = SplitMix64(seed: 42)
        for perMinute in [1, 5, 30, 120] {
            var limit = KeyRateLimit(perMinute: perMinute)
            var admitted: [Double] = []
            var t = 0.0
            for _ in 0..<5_000 {
                t += Double(rng.next() % 2_000) / 1_000
                if limit.admit("k", now: Date(timeIntervalSince1970: t)) == nil { admitted.append(t) }
            }
            // Plain reading: in any 60 s window, at most the burst plus what refilled meanwhile.
            for (i, start) in admitted.enumerated() {
                let inWindow = admitted[i...].prefix { $0 < start + 60 }.count
                #expect(inWindow <= 2 * perMinute, "perMinute \(perMinute) at \(start): \(inWindow)")
            }
            #expect(admitted.count > 0)
        }
    }
}
