import Foundation
import SquawkCore
import Testing

@Suite("ISO 8601 formatting")
struct ISO8601FormatTests {
    @Test("the hand-written formatter equals Foundation's on 20,000 dates: whole and fractional seconds, leap days, before 1970, the Julian years before 1583 (Foundation's), years 1 to 9999")
    func sameAsFoundation() {
        var rng = SystemRandomNumberGenerator()
        var dates: [Date] = [0, -1, -0.5, 0.999, 951_782_400, 951_868_799.75, 4_107_542_400, -62_135_596_800, 253_402_300_799.9,
                             1_767_225_600, 1_800_000_000.5, -12_212_553_600, -12_212_553_600.5, -12_219_292_800].map(Date.init(timeIntervalSince1970:))
        for _ in 0..<20_000 {
            let range: ClosedRange<Double> = rng.next() % 4 == 0 ? -62_135_596_800...253_402_300_799 : 0...4_102_444_800
            var t = Double.random(in: range, using: &rng)
            if rng.next() % 2 == 0 { t.round(.down) }
            dates.append(Date(timeIntervalSince1970: t))
        }
        for d in dates {
            #expect(ISO8601.format(d) == ISO8601.foundationFormat(d), "\(d.timeIntervalSince1970)")
        }
    }
}
