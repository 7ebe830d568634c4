import Foundation

/// The `Retry-After` header of an HTTP 429 or 503, as a delay.
///
/// The header carries either a number of seconds (`Retry-After: 12`) or an HTTP-date
/// (`Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`; RFC 9110 §10.2.3). A date is turned into a
/// delay against `now`, which the caller passes in: this parser never reads a clock.
/// A date in the past gives a delay of zero; anything unreadable gives `nil`.
public enum RetryAfter {
    // MARK: - Parsing

    /// The delay `value` asks for, measured from `now`.
    public static func delay(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            // Delta-seconds; an absurd number is clamped rather than overflowing.
            guard text.utf8.count <= 12 else { return .seconds(999_999_999_999) }
            return Int64(text).map { .seconds($0) }
        }
        guard let date = httpDate(text) else { return nil }
        let delta = date.timeIntervalSince(now)
        return delta <= 0 ? .zero : .milliseconds(Int64((delta * 1000).rounded()))
    }

    /// Parses an HTTP-date in any of the three forms RFC 9110 requires recipients to accept:
    /// IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, obsolete RFC 850
    /// `Sunday, 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`.
    public static func httpDate(_ text: String) -> Date? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int?, month: Int?, year: Int?, time: (Int, Int, Int)?
        switch fields.count {
        case 4 where fields[1].contains("-"):
            // RFC 850: weekday, DD-Mon-YY, time, GMT
            let parts = fields[1].split(separator: "-").map(String.init)
            guard parts.count == 3, fields[3] == "GMT" else { return nil }
            day = Int(parts[0]); month = monthNumber(parts[1])
            if let yy = Int(parts[2]), parts[2].count == 2 {
                // RFC 9110: a two-digit year more than 50 years in the future is in the past
                // century. Without a clock, read 00–69 as 20xx and 70–99 as 19xx.
                year = yy < 70 ? 2000 + yy : 1900 + yy
            } else {
                year = Int(parts[2])
            }
            time = clock(fields[2])
        case 6 where fields[5] == "GMT":
            // IMF-fixdate: weekday, DD Mon YYYY time GMT
            day = Int(fields[1]); month = monthNumber(fields[2]); year = Int(fields[3])
            time = clock(fields[4])
        case 5:
            // asctime: weekday Mon D time YYYY
            month = monthNumber(fields[1]); day = Int(fields[2]); year = Int(fields[4])
            time = clock(fields[3])
        default:
            return nil
        }
        guard let day, let month, let year, let (h, m, s) = time,
              (1...9999).contains(year), day >= 1, day <= CivilDate.daysInMonth(year, month),
              h <= 23, m <= 59, s <= 60
        else { return nil }
        let days = CivilDate.daysFromCivil(year, month, day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + h * 3600 + m * 60 + s))
    }

    // MARK: - Pieces

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun",
                                 "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func monthNumber(_ name: String) -> Int? {
        months.firstIndex(of: name.lowercased()).map { $0 + 1 }
    }

    /// `HH:mm:ss` → its three numbers.
    private static func clock(_ text: String) -> (Int, Int, Int)? {
        let parts = text.split(separator: ":")
        guard parts.count == 3, parts.allSatisfy({ $0.count == 2 }),
              let h = Int(parts[0]), let m = Int(parts[1]), let s = Int(parts[2])
        else { return nil }
        return (h, m, s)
    }
}
