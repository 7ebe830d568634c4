import Foundation
import SquawkCore

/// A value FLS writes as text, kept as that text (so it re-encodes unchanged) next to what it
/// means. Decoding fails, naming the text, when it does not parse.
public protocol FLSTextValue: Codable, CustomStringConvertible {
    var text: String { get }
    init?(_ text: String)
    /// "an FLS date-time", for decoding errors.
    static var what: String { get }
}

extension FLSTextValue {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let value = Self(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not \(Self.what): \(s.prefix(40))")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }

    public var description: String { text }
}

/// An FLS date-time as the API writes it (`2025-07-04T05:56:25.3540761+02:00`): kept as the
/// original text, so a decoded flight re-encodes byte for byte, with the instant it names.
///
/// Accepted forms: `YYYY-MM-DDThh:mm:ss`, optional fraction of any length, then `Z`, `±hh:mm`
/// or nothing (no zone: read as UTC, like the Live API's zone-less times). Anything else fails
/// to decode with a message naming the text.
public struct FLSDateTime: Sendable, Hashable, FLSTextValue {
    public let text: String
    public let date: Date
    public static let what = "an FLS date-time"

    public init?(_ text: String) {
        guard let date = Self.parse(text) else { return nil }
        self.text = text
        self.date = date
    }

    /// The UTC form Squawk writes (`2025-07-04T03:56:25Z`, whole seconds).
    public init(_ date: Date) {
        self.date = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        self.text = Self.format(self.date)
    }

    // MARK: - Parsing

    /// The instant of `s`, or nil when it is not one of the accepted forms.
    public static func parse(_ s: String) -> Date? {
        let u = Array(s.utf8)
        guard u.count >= 19, u[4] == 45, u[7] == 45, u[10] == 84 || u[10] == 32, u[13] == 58, u[16] == 58 else { return nil }
        func num(_ a: Int, _ n: Int) -> Int? {
            var v = 0
            for i in a..<(a + n) {
                guard i < u.count, (48...57).contains(u[i]) else { return nil }
                v = v * 10 + Int(u[i] - 48)
            }
            return v
        }
        guard let year = num(0, 4), let month = num(5, 2), let day = num(8, 2),
              let hour = num(11, 2), let minute = num(14, 2), let second = num(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < u.count, u[i] == 46 {
            i += 1
            var scale = 0.1
            let start = i
            while i < u.count, (48...57).contains(u[i]) {
                fraction += Double(u[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        if i < u.count {
            switch u[i] {
            case 90 where i + 1 == u.count: offset = 0
            case 43, 45:
                guard u.count == i + 6, u[i + 3] == 58, let oh = num(i + 1, 2), let om = num(i + 4, 2), oh < 24, om < 60 else { return nil }
                offset = (oh * 3600 + om * 60) * (u[i] == 45 ? -1 : 1)
            default: return nil
            }
        }
        guard day <= CivilDate.daysInMonth(year, month) else { return nil }
        let days = CivilDate.daysFromCivil(year, month, day)
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    /// `2025-07-04T03:56:25Z`.
    public static func format(_ d: Date) -> String {
        let secs = Int(d.timeIntervalSince1970.rounded(.down))
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rest = secs - days * 86_400
        let (y, m, day) = CivilDate.civilFromDays(days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year = String(y)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-\(two(m))-\(two(day))T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))Z"
    }
}

/// A .NET `TimeSpan` as FLS writes durations (`00:00:00.1234567`, `1.02:03:04`): the text and its
/// length in seconds.
public struct FLSTimeSpan: Sendable, Hashable, FLSTextValue {
    public let text: String
    public let seconds: Double
    public static let what = "a TimeSpan"

    public init?(_ text: String) {
        guard let s = Self.parse(text) else { return nil }
        self.text = text
        self.seconds = s
    }

    /// `hh:mm:ss` (with `d.` in front past a day), the way .NET prints a whole-second span.
    public init(seconds: Int) {
        let s = max(0, seconds)
        let days = s / 86_400, h = (s % 86_400) / 3600, m = (s % 3600) / 60, sec = s % 60
        let hms = String(format: "%02d:%02d:%02d", h, m, sec)
        self.text = days > 0 ? "\(days).\(hms)" : hms
        self.seconds = Double(s)
    }

    /// `[-][d.]hh:mm:ss[.fffffff]` → seconds.
    public static func parse(_ s: String) -> Double? {
        var body = Substring(s)
        var sign = 1.0
        if body.hasPrefix("-") { sign = -1; body = body.dropFirst() }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var days = 0.0
        var hoursText = parts[0]
        if let dot = hoursText.firstIndex(of: ".") {
            guard let d = Double(hoursText[..<dot]) else { return nil }
            days = d
            hoursText = hoursText[hoursText.index(after: dot)...]
        }
        guard let h = Int(hoursText), let m = Int(parts[1]), let sec = Double(parts[2]),
              h < 24, m < 60, sec < 60, sec >= 0, !parts[2].hasPrefix("+") else { return nil }
        return sign * (days * 86_400 + Double(h * 3600 + m * 60) + sec)
    }
}
