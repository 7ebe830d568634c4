import Foundation

/// Ids, secrets and keys. Randomness is a parameter (DESIGN.md rule 3): production passes
/// `SystemRandomNumberGenerator`, tests a seeded generator.
public enum Identifiers {
    static let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    static let lowerCrockford = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    /// Whether `text` has the shape of an id with this prefix: `prefix_` and 1–60 lower-case
    /// letters or digits (what ``make(prefix:at:using:)`` writes, and test ids like `sub_0001`).
    public static func isID(_ text: String, prefix: String) -> Bool {
        let utf8 = text.utf8
        guard text.hasPrefix(prefix + "_"), (prefix.utf8.count + 2...prefix.utf8.count + 61).contains(utf8.count) else { return false }
        return utf8.dropFirst(prefix.utf8.count + 1).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x7a).contains($0) }
    }

    /// A time-ordered id: `prefix_` + 10 characters of milliseconds since 1970 + 16 random
    /// characters (ULID layout, Crockford base-32, lower case). Sorting ids sorts by creation.
    public static func make(prefix: String, at time: Date, using rng: inout some RandomNumberGenerator) -> String {
        var bytes = Array((prefix.lowercased() + "_").utf8)
        bytes.reserveCapacity(bytes.count + 26)
        bytes += timePart(time).map { lowerCrockford[crockford.firstIndex(of: $0)!] }
        // 80 random bits from two 64-bit draws (each draw from the system generator is a system call).
        let words = (rng.next(), rng.next())
        for i in 0..<16 {
            let bits = i < 12 ? words.0 >> (5 * i) : words.1 >> (5 * (i - 12))
            bytes.append(lowerCrockford[Int(bits & 31)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The 10 Crockford characters of `time`'s milliseconds since 1970.
    static func timePart(_ time: Date) -> [UInt8] {
        var ms = UInt64(max(0, time.timeIntervalSince1970 * 1000))
        var part = [UInt8](repeating: 0, count: 10)
        for i in stride(from: 9, through: 0, by: -1) {
            part[i] = crockford[Int(ms & 31)]
            ms >>= 5
        }
        return part
    }

    /// Ids of ``make(prefix:at:using:)``'s layout for many things made at one time (a batch of
    /// deliveries): the random part is drawn once and counted up by one for each further id
    /// (ULID's monotonic mode). They sort in the order they were made, so a batch's rows sit
    /// next to each other in an index on the id instead of landing on a random page each.
    /// The first random character is below 16, so the count cannot overflow (2⁷⁹ ids).
    public struct Monotonic: Sendable {
        let head: [UInt8]
        /// The random part as Crockford digit values (0…31), most significant first.
        var digits: [UInt8]
        var started = false

        public init(prefix: String, at time: Date, using rng: inout some RandomNumberGenerator) {
            head = Array((prefix + "_").utf8) + timePart(time).map { lowerCrockford[crockford.firstIndex(of: $0)!] }
            digits = (0..<16).map { i in rng.next(upperBound: UInt8(i == 0 ? 16 : 32)) }
        }

        public mutating func next() -> String {
            if started {
                var i = digits.count - 1
                while digits[i] == 31 {
                    digits[i] = 0
                    i -= 1
                }
                digits[i] += 1
            }
            started = true
            return String(decoding: head + digits.map { lowerCrockford[Int($0)] }, as: UTF8.self)
        }
    }

    /// A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes.
    public static func webhookSecret(using rng: inout some RandomNumberGenerator) -> String {
        "whsec_" + Data(randomBytes(32, using: &rng)).base64EncodedString()
    }

    /// An API key: `sqk_` + 40 random Crockford base-32 characters (200 bits).
    public static func apiKey(using rng: inout some RandomNumberGenerator) -> String {
        "sqk_" + String(decoding: (0..<40).map { _ in crockford[Int(rng.next(upperBound: UInt8(32)))] }, as: UTF8.self).lowercased()
    }

    /// `n` random bytes, eight from each 64-bit draw.
    static func randomBytes(_ n: Int, using rng: inout some RandomNumberGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(n)
        while bytes.count < n {
            var word = rng.next()
            for _ in 0..<min(8, n - bytes.count) {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return bytes
    }
}
