import Crypto
import Foundation
import Hummingbird
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

/// The API's reading of request bodies against `JSONDecoder`'s, on valid documents and on
/// documents broken one byte at a time.
@Suite("Request body JSON")
struct RequestJSONTests {
    static func decoder(_ bytes: [UInt8]) -> JSONValue? {
        guard let v = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)), !v.containsNonFiniteNumber else { return nil }
        return v
    }

    /// A comma right before `}` or `]` (blanks between), or a NUL byte: invalid JSON that
    /// `JSONDecoder` reads anyway.
    static func laxInFoundation(_ bytes: [UInt8]) -> Bool {
        if bytes.contains(0) { return true }
        let significant = bytes.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return zip(significant, significant.dropFirst()).contains { $0 == 0x2C && ($1 == 0x7D || $1 == 0x5D) }
    }

    @Test("3,000 bodies, valid and mutated: accepted and refused alike, and read to the same value (RFC 8259 where JSONDecoder is lax)")
    func againstJSONDecoder() {
        var rng = SplitMix64(seed: 42)
        let docs = [
            #"{"target": {"kind": "callsign", "id": "DAL40"}, "events": ["flight.takeoff", "flight.landing"], "notifyEndpoint": "https://hooks.example.com/bench", "format": "json"}"#,
            #"{"a": [1, -2.5e3, 0.125, true, false, null, "x\"y\\z\/\u00e9\ud83d\udeeb"], "b": {}, "c": []}"#,
            #"  [ {"k" : "v" } , 12 , "\n\t" ]  "#, #""plain""#, "17", "-0", "1e400", #"{"maxAge": 900, "limit": 1E2}"#,
        ].map { Array($0.utf8) }
        let noise: [UInt8] = Array(#"{}[]:,"\ -+.eE0123456789tfnulrsa"#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xA9, 0xFF, 0xED, 0xA0, 0x80]
        var agreed = (valid: 0, invalid: 0)
        for n in 0..<3_000 {
            var bytes = docs[n % docs.count]
            for _ in 0..<(n < docs.count ? 0 : Int.random(in: 1...3, using: &rng)) {
                let at = Int.random(in: 0...bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0 where at < bytes.count: bytes.remove(at: at)
                case 1 where at < bytes.count: bytes[at] = noise.randomElement(using: &rng)!
                default: bytes.insert(noise.randomElement(using: &rng)!, at: at)
                }
            }
            let ours = Request.readJSON(bytes), theirs = Self.decoder(bytes)
            if Self.laxInFoundation(bytes) {
                // JSONDecoder takes these; RFC 8259 does not, and neither does the API.
                #expect(ours == nil, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
                continue
            }
            #expect(ours == theirs, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            if ours == theirs { if ours == nil { agreed.invalid += 1 } else { agreed.valid += 1 } }
        }
        #expect(agreed.valid > 300 && agreed.invalid > 300, "\(agreed)")
    }
}
