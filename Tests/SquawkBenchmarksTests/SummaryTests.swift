import Foundation
import SquawkBenchmarks
import SquawkCore
import Testing

/// The benchmarks' one statistics type against the plain definition, on many generated samples.
@Suite("Benchmark statistics")
struct SummaryTests {
    /// Type-7 percentile read literally: the value at rank 1 + (n − 1)·p, interpolating between
    /// the ranks around it (ranks counted from 1).
    static func reference(_ values: [Double], _ p: Double) -> Double {
        let s = values.sorted()
        let h = 1 + Double(s.count - 1) * p
        let lo = Int(floor(h)), hi = Int(ceil(h))
        return s[lo - 1] + (h - Double(lo)) * (s[hi - 1] - s[lo - 1])
    }

    @Test("small cases by hand: the median of an even count is the mean of the middle two")
    func byHand() throws {
        let even = try #require(Summary([4, 1, 3, 2]))
        #expect(even.p50 == 2.5)
        #expect(even.min == 1 && even.max == 4 && even.mean == 2.5 && even.count == 4)
        #expect(Summary([7])?.p99 == 7)
        #expect(Summary([Double]()) == nil)
        #expect(Summary.median([]) == 0)
        #expect(Summary([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])?.p90 == 9.1)
        #expect(Summary([Duration.milliseconds(1), .milliseconds(3)])?.p50 == 0.002)
    }

    @Test("10,000 generated samples: every figure as the plain definition gives it, and ordered min ≤ p50 ≤ p90 ≤ p99 ≤ max")
    func generated() throws {
        var rng = SplitMix64(seed: 2026)
        for _ in 0..<10_000 {
            let n = Int.random(in: 1...40, using: &rng)
            let values = (0..<n).map { _ in Double(Int.random(in: -50...50, using: &rng)) / 4 }
            let s = try #require(Summary(values))
            #expect(s.min == values.min() && s.max == values.max())
            for (got, p) in [(s.p50, 0.5), (s.p90, 0.9), (s.p99, 0.99)] {
                #expect(abs(got - Self.reference(values, p)) < 1e-9, "\(values) p\(p)")
            }
            #expect(abs(s.mean - values.reduce(0, +) / Double(n)) < 1e-9)
            #expect(s.min <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.max)
        }
    }
}
