import Foundation
import Testing
@testable import SquawkCore

@Suite("Standard Webhooks signatures")
struct WebhookSignerTests {
    /// The example of the Standard Webhooks specification.
    @Test("matches the specification's example")
    func specVector() throws {
        let h = WebhookSigner.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
                                   body: Array(#"{"test": 2432232314}"#.utf8),
                                   secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
        #expect(h.signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test("during a rotation both secrets sign, and either verifies")
    func rotation() {
        let body = Array(#"{"type":"flight.takeoff"}"#.utf8)
        let old = "whsec_" + Data(repeating: 1, count: 32).base64EncodedString()
        let new = "whsec_" + Data(repeating: 2, count: 32).base64EncodedString()
        let h = WebhookSigner.sign(id: "evt_1", timestamp: 1000, body: body, secrets: [new, old])
        #expect(h.signature.split(separator: " ").count == 2)
        #expect(WebhookSigner.verify(id: "evt_1", timestamp: 1000, signatureHeader: h.signature, body: body, secrets: [old], now: 1000))
        #expect(WebhookSigner.verify(id: "evt_1", timestamp: 1000, signatureHeader: h.signature, body: body, secrets: [new], now: 1000))
    }

    @Test("a prepared key signs every message as a fresh one would: signing never changes the shared HMAC state")
    func preparedKey() throws {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let key = try WebhookSigner.SigningKey(secret: secret)
        let copy = key
        var rng = SplitMix64(seed: 9)
        for n in 0..<300 {
            let body = (0..<Int(rng.next() % 900)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let id = "evt_\(n)"
            let fresh = WebhookSigner.signature(id: id, timestamp: 1_700_000_000 + n, body: body, key: try WebhookSigner.key(secret))
            #expect((n.isMultiple(of: 2) ? key : copy).signature(id: id, timestamp: 1_700_000_000 + n, body: body) == fresh)
        }
        // And the specification's example through the prepared key.
        #expect(key.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8))
                == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(throws: WebhookSigner.SecretError.self) { try WebhookSigner.SigningKey(secret: "whsec_***") }
    }

    @Test("a changed body, id, timestamp or secret does not verify")
    func tamper() {
        let body = Array("hello".utf8)
        let s = "whsec_" + Data(repeating: 7, count: 24).base64EncodedString()
        let other = "whsec_" + Data(repeating: 8, count: 24).base64EncodedString()
        let sig = WebhookSigner.sign(id: "a", timestamp: 10, body: body, secrets: [s]).signature
        #expect(!WebhookSigner.verify(id: "a", timestamp: 10, signatureHeader: sig, body: Array("hellO".utf8), secrets: [s], now: 10))
        #expect(!WebhookSigner.verify(id: "b", timestamp: 10, signatureHeader: sig, body: body, secrets: [s], now: 10))
        #expect(!WebhookSigner.verify(id: "a", timestamp: 11, signatureHeader: sig, body: body, secrets: [s], now: 11))
        #expect(!WebhookSigner.verify(id: "a", timestamp: 10, signatureHeader: sig, body: body, secrets: [other], now: 10))
        // Too old.
        #expect(!WebhookSigner.verify(id: "a", timestamp: 10, signatureHeader: sig, body: body, secrets: [s], now: 10 + 301))
    }
}

@Suite("Retry policy and delivery decisions")
struct RetryPolicyTests {
    @Test("the standard schedule, without jitter, is Svix's")
    func schedule() {
        var rng = SplitMix64(seed: 1)
        let p = RetryPolicy(schedule: RetryPolicy.standard.schedule, jitter: 0)
        let delays = (1...8).map { p.delay(afterFailedAttempts: $0, retryAfter: nil, using: &rng) }
        #expect(delays == [5, 300, 1800, 7200, 18000, 36000, 36000, nil])
    }

    @Test("jitter stays within its fraction")
    func jitter() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let d = RetryPolicy.standard.delay(afterFailedAttempts: 2, retryAfter: nil, using: &rng)!
            #expect(d >= 240 && d <= 360)
        }
    }

    @Test("Retry-After lengthens a delay, is clamped, and never shortens one")
    func retryAfter() {
        var rng = SplitMix64(seed: 3)
        let p = RetryPolicy(schedule: [0, 5, 300], jitter: 0, maxRetryAfter: 600)
        #expect(p.delay(afterFailedAttempts: 1, retryAfter: 30, using: &rng) == 30)
        #expect(p.delay(afterFailedAttempts: 1, retryAfter: 99999, using: &rng) == 600)
        #expect(p.delay(afterFailedAttempts: 2, retryAfter: 1, using: &rng) == 300)
    }

    @Test("Retry-After parses seconds and HTTP dates")
    func parse() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryPolicy.parseRetryAfter("120", now: now) == 120)
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:30:00 GMT", now: now) == 120)
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == 0)
        #expect(RetryPolicy.parseRetryAfter("soon", now: now) == nil)
    }
}
