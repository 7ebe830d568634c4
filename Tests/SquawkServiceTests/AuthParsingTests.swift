import Crypto
import Foundation
import SquawkCore
@testable import SquawkServer
import Testing

/// The byte-level readers on the request path against their plain readings.
@Suite("Auth header and key hash")
struct AuthParsingTests {
    /// The reading the middleware used before: lower-cased prefix, Foundation trimming.
    static func plainToken(_ header: String) -> String? {
        guard header.lowercased().hasPrefix("bearer ") else { return nil }
        return String(header.dropFirst("bearer ".count)).trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
    }

    @Test func bearerTokenMatchesThePlainReading() {
        var rng = SystemRandomNumberGenerator()
        let schemes = ["Bearer ", "bearer ", "BEARER ", "BeArEr ", "Bearer", "Basic ", "Bearer\t", "Bearerx", "bearer  ", "", "Bear "]
        let pieces = ["sqk_", "abc", " ", "\t", "é", "Z", "0", "_-.", "🔑"]
        var cases = 0
        for _ in 0..<5_000 {
            var header = schemes.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 0...6, using: &rng) { header += pieces.randomElement(using: &rng)! }
            #expect(AuthMiddleware.bearerToken(header) == Self.plainToken(header), "\(header.debugDescription)")
            cases += 1
        }
        #expect(cases == 5_000)
        #expect(AuthMiddleware.bearerToken("bEaReR  sqk_x \t") == "sqk_x")
        #expect(AuthMiddleware.bearerToken("Basic sqk_x") == nil)
    }

    @Test func keyHashMatchesPerByteHex() {
        var rng = SystemRandomNumberGenerator()
        for n in 0..<300 {
            let key = String((0..<(n % 70)).map { _ in "abcXYZ019_-é".randomElement(using: &rng)! })
            let plain = Array(SHA256.hash(data: Array(key.utf8))).map { String(format: "%02x", $0) }.joined()
            #expect(KeyHash.sha256Hex(key) == plain)
        }
        // The well-known digest of the empty string.
        #expect(KeyHash.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
