import Foundation
import SquawkCore

/// The timestamps of the Live API, parsed by hand.
///
/// The API writes instants in several shapes, all of them UTC (../shared/seeds/README.md):
///
/// | sample                          | where                                   |
/// |---------------------------------|-----------------------------------------|
/// | `2020-10-02 00:46:19Z`          | flights `lastReport`, ATC `startTime`   |
/// | `2021-01-06T16:20:27.3275657Z`  | route `date`, tracks `lastSeen`         |
/// | `2022-01-10T10:37:41.965626`    | logbook `created` (no zone: UTC)        |
/// | `2022-02-14T16:34:14.916`       | NOTAM `startTime`                       |
/// | `0001-01-01T00:00:00`           | grade "no report" sentinel              |
/// | `2100-01-01T16:34:00`           | NOTAM `endTime` ("never")               |
///
/// The flights list of a busy server has ~10,000 entries and is decoded every 15 s, so the
/// parser reads the UTF-8 bytes directly (no `DateFormatter`, no allocation per value).
/// It also accepts a numeric offset (`+01:00`, `-0530`) although the API does not send one.
public enum LiveAPIDate {
    // MARK: - Coding strategies

    /// The decoding strategy every Live API decoder uses.
    public static let decodingStrategy: JSONDecoder.DateDecodingStrategy = .custom { decoder in
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not a Live API timestamp: \(text.prefix(40))")
        }
        return date
    }

    /// The encoding strategy matching ``decodingStrategy``: ``format(_:)``'s output parses back.
    public static let encodingStrategy: JSONEncoder.DateEncodingStrategy = .custom { date, encoder in
        var container = encoder.singleValueContainer()
        try container.encode(format(date))
    }

    /// A decoder configured for Live API payloads.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = decodingStrategy
        return decoder
    }

    /// An encoder writing Live API shapes (used by re-encode tests and by the simulator).
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = encodingStrategy
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    // MARK: - Parsing

    /// Parses any Live API timestamp; `nil` when `text` is not one.
    ///
    /// Grammar: `YYYY-MM-DD` (`T` | space) `HH:mm:ss` [`.` digits] [`Z` | `±HH:MM` | `±HHMM`].
    /// Fractions beyond nanoseconds are read and ignored; no zone means UTC.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// Parses a timestamp from its UTF-8 bytes (see ``parse(_:)``).
    public static func parse(utf8 b: UnsafeBufferPointer<UInt8>) -> Date? {
        let n = b.count
        guard n >= 19 else { return nil }
        guard let year = digits(b, 0, 4), b[4] == ascii("-"),
              let month = digits(b, 5, 2), b[7] == ascii("-"),
              let day = digits(b, 8, 2), b[10] == ascii("T") || b[10] == ascii(" ") || b[10] == ascii("t"),
              let hour = digits(b, 11, 2), b[13] == ascii(":"),
              let minute = digits(b, 14, 2), b[16] == ascii(":"),
              let second = digits(b, 17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year, month),
              hour <= 23, minute <= 59, second <= 59
        else { return nil }

        var i = 19
        var nanos = 0
        if i < n, b[i] == ascii(".") {
            i += 1
            let start = i
            var scale = 100_000_000
            while i < n, let d = digit(b[i]) {
                nanos += d * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }

        var offsetSeconds = 0
        if i < n {
            switch b[i] {
            case ascii("Z"), ascii("z"):
                i += 1
            case ascii("+"), ascii("-"):
                let sign = b[i] == ascii("-") ? -1 : 1
                i += 1
                guard let oh = digits(b, i, 2, limit: n) else { return nil }
                i += 2
                if i < n, b[i] == ascii(":") { i += 1 }
                guard let om = digits(b, i, 2, limit: n) else { return nil }
                i += 2
                guard oh <= 23, om <= 59 else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            default:
                return nil
            }
        }
        guard i == n else { return nil }

        let days = CivilDate.daysFromCivil(year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9)
    }

    // MARK: - Formatting

    /// Writes `date` as `YYYY-MM-DDTHH:mm:ss[.fffffff]Z` (seven fractional digits, as the API's
    /// own .NET timestamps, only when the instant has a fraction). ``parse(_:)`` reads it back.
    /// Years outside 0000–9999 are clamped (the API never sends them).
    public static func format(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        var whole = t.rounded(.down)
        var ticks = Int(((t - whole) * 1e7).rounded())
        if ticks >= 10_000_000 { ticks -= 10_000_000; whole += 1 }
        let total = Int(whole)
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = total - days * 86_400
        let (y, m, d) = CivilDate.civilFromDays(days)
        // Fixed-width bytes: this runs for every timestamp the simulator serves.
        return String(unsafeUninitializedCapacity: 28) { buffer in
            var i = 0
            func put(_ value: Int, _ width: Int) {
                var v = value
                for k in stride(from: width - 1, through: 0, by: -1) {
                    buffer[i + k] = UInt8(48 + v % 10)
                    v /= 10
                }
                i += width
            }
            func put(_ c: Unicode.Scalar) { buffer[i] = UInt8(c.value); i += 1 }
            put(min(max(y, 0), 9999), 4); put("-"); put(m, 2); put("-"); put(d, 2); put("T")
            put(secondOfDay / 3600, 2); put(":"); put(secondOfDay / 60 % 60, 2); put(":"); put(secondOfDay % 60, 2)
            if ticks != 0 { put("."); put(ticks, 7) }
            put("Z")
            return i
        }
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, Howard Hinnant's algorithms)

    // MARK: - Byte helpers

    @inline(__always) private static func ascii(_ c: Unicode.Scalar) -> UInt8 { UInt8(c.value) }

    @inline(__always) private static func digit(_ c: UInt8) -> Int? {
        c >= 48 && c <= 57 ? Int(c - 48) : nil
    }

    /// The decimal number in `count` bytes at `start`, or `nil` if any is not a digit or the
    /// run passes `limit`.
    @inline(__always)
    private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int, limit: Int? = nil) -> Int? {
        guard start + count <= (limit ?? b.count) else { return nil }
        var value = 0
        for i in start..<(start + count) {
            guard let d = digit(b[i]) else { return nil }
            value = value * 10 + d
        }
        return value
    }

}
