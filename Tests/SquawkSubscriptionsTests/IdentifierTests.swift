import Foundation
import Testing
@testable import SquawkCore

@Suite("identifiers")
struct IdentifierTests {
    let at = Date(timeIntervalSince1970: 1_767_225_600.123)

    @Test("a monotonic run has make()'s layout, is unique and sorts in the order it was made")
    func monotonic() {
        var rng = SplitMix64(seed: 7)
        let single = Identifiers.make(prefix: "dlv", at: at, using: &rng)
        var ids = Identifiers.Monotonic(prefix: "dlv", at: at, using: &rng)
        let run = (0..<5_000).map { _ in ids.next() }
        #expect(Set(run).count == run.count)
        #expect(run == run.sorted(), "made in order, sorted in order")
        for id in [single] + run {
            #expect(id.count == single.count)
            #expect(id.hasPrefix("dlv_"))
            #expect(id.dropFirst(4).allSatisfy { "0123456789abcdefghjkmnpqrstvwxyz".contains($0) })
        }
        #expect(run[0].prefix(14) == single.prefix(14), "same time part as make()")
    }

    @Test("counting carries across characters")
    func carries() {
        // A generator whose every draw is the largest allowed: the first random character is
        // below 16 (f), every other one is z; the next id carries into the first character.
        struct Highest: RandomNumberGenerator { mutating func next() -> UInt64 { .max } }
        var rng = Highest()
        var ids = Identifiers.Monotonic(prefix: "x", at: at, using: &rng)
        let first = ids.next(), second = ids.next()
        #expect(first.hasSuffix("f" + String(repeating: "z", count: 15)))
        #expect(second.hasSuffix("g" + String(repeating: "0", count: 15)))
        #expect(first < second)
    }

    @Test("two runs made at the same time differ")
    func distinctRuns() {
        var rng = SystemRandomNumberGenerator()
        var a = Identifiers.Monotonic(prefix: "dlv", at: at, using: &rng)
        var b = Identifiers.Monotonic(prefix: "dlv", at: at, using: &rng)
        #expect(a.next() != b.next())
    }

    @Test("every random character of make() and every byte of a secret takes every value (80 and 256 random bits, not fewer)")
    func randomPartsCoverEveryValue() {
        var rng = SplitMix64(seed: 11)
        var seen = Array(repeating: Set<Character>(), count: 16)
        for _ in 0..<3_000 {
            let id = Identifiers.make(prefix: "sub", at: at, using: &rng)
            #expect(id.count == 4 + 10 + 16)
            for (i, c) in id.suffix(16).enumerated() { seen[i].insert(c) }
        }
        #expect(seen.allSatisfy { $0.count == 32 }, "\(seen.map(\.count))")
        var bytes = Array(repeating: Set<UInt8>(), count: 13)
        for _ in 0..<20_000 {
            let b = Identifiers.randomBytes(13, using: &rng)
            #expect(b.count == 13)
            for (i, v) in b.enumerated() { bytes[i].insert(v) }
        }
        #expect(bytes.allSatisfy { $0.count == 256 }, "\(bytes.map(\.count))")
    }
}
