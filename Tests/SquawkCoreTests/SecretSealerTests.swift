import Foundation
import Testing
@testable import SquawkCore

@Suite("Webhook secrets at rest")
struct SecretSealerTests {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test("sealed values open to the secret with the same key only; each seal differs; plain values pass as they are")
    func roundTrip() throws {
        let a = try SecretSealer(base64Key: SecretSealer.newKey()), b = try SecretSealer(base64Key: SecretSealer.newKey())
        let one = a.seal(secret), two = a.seal(secret)
        #expect(SecretSealer.isSealed(one) && one != two)
        #expect(!one.contains(secret))
        #expect(try a.open(one) == secret)
        #expect(try a.open(secret) == secret)
        #expect(throws: SecretSealer.KeyError.self) { try b.open(one) }
        do { _ = try b.open(one) } catch { #expect(error.description.contains(a.keyId) && error.description.contains(b.keyId)) }
        #expect(throws: SecretSealer.KeyError.self) { try SecretSealer.openWithoutKey(one) }
    }

    @Test("a tampered value is refused, not opened to garbage")
    func tampered() throws {
        let a = try SecretSealer(base64Key: SecretSealer.newKey())
        var bytes = Array(a.seal(secret).utf8)
        bytes[bytes.count - 3] = bytes[bytes.count - 3] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: SecretSealer.KeyError.self) { try a.open(String(decoding: bytes, as: UTF8.self)) }
    }

    @Test("a key must be 32 bytes of base64", arguments: ["", "c2hvcnQ=", "not base64 at all", String(repeating: "A", count: 60)])
    func badKeys(key: String) {
        #expect(throws: SecretSealer.KeyError.self) { try SecretSealer(base64Key: key) }
    }
}
