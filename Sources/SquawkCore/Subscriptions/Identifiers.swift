import Foundation

/// Ids, secrets and keys. Randomness is a parameter (DESIGN.md rule 3): production passes
/// `SystemRandomNumberGenerator`, tests a seeded generator.
public enum Identifiers {
    static let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A time-ordered id: `prefix_` + 10 characters of milliseconds since 1970 + 16 random
    /// characters (ULID layout, Crockford base-32, lower case). Sorting ids sorts by creation.
    public static func make(prefix: String, at time: Date, using rng: inout some RandomNumberGenerator) -> String {
        var ms = UInt64(max(0, time.timeIntervalSince1970 * 1000))
        var timePart = [UInt8](repeating: 0, count: 10)
        for i in stride(from: 9, through: 0, by: -1) {
            timePart[i] = crockford[Int(ms & 31)]
            ms >>= 5
        }
        var randomPart = [UInt8]()
        randomPart.reserveCapacity(16)
        for _ in 0..<16 { randomPart.append(crockford[Int(rng.next(upperBound: UInt8(32)))]) }
        return prefix + "_" + String(decoding: timePart + randomPart, as: UTF8.self).lowercased()
    }

    /// A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes.
    public static func webhookSecret(using rng: inout some RandomNumberGenerator) -> String {
        "whsec_" + Data(randomBytes(32, using: &rng)).base64EncodedString()
    }

    /// An API key: `sqk_` + 40 random Crockford base-32 characters (200 bits).
    public static func apiKey(using rng: inout some RandomNumberGenerator) -> String {
        "sqk_" + String(decoding: (0..<40).map { _ in crockford[Int(rng.next(upperBound: UInt8(32)))] }, as: UTF8.self).lowercased()
    }

    static func randomBytes(_ n: Int, using rng: inout some RandomNumberGenerator) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }
}
