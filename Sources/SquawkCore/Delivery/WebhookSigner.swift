import Crypto
import Foundation

/// Standard Webhooks 1.0 signatures: `webhook-signature: v1,<base64 HMAC-SHA256>` over
/// `"{webhook-id}.{webhook-timestamp}.{body}"`, keyed by the base64 part of a `whsec_…` secret.
/// Several secrets (during a rotation) give several space-separated signatures.
public enum WebhookSigner {
    /// The headers of a signed delivery.
    public struct Headers: Sendable, Hashable {
        public var id: String
        public var timestamp: Int
        public var signature: String

        public var list: [(name: String, value: String)] {
            [("webhook-id", id), ("webhook-timestamp", String(timestamp)), ("webhook-signature", signature)]
        }
    }

    public struct SecretError: Error, Sendable, Hashable {}

    /// The key bytes of a `whsec_<base64>` secret (a secret without the prefix is taken as base64 too).
    public static func key(_ secret: String) throws(SecretError) -> [UInt8] {
        let b64 = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let data = Data(base64Encoded: b64), !data.isEmpty else { throw SecretError() }
        return Array(data)
    }

    /// A secret made ready to sign with: its key absorbed into an HMAC state once, so a
    /// signature only hashes the message. Decoding the secret and keying the HMAC cost more than
    /// hashing a typical webhook body, so the dispatcher keeps these per secret.
    ///
    /// `@unchecked Sendable`: the HMAC state is a value with copy-on-write storage; signing copies
    /// it and never mutates the shared one.
    public struct SigningKey: @unchecked Sendable {
        fileprivate let mac: HMAC<SHA256>

        public init(secret: String) throws(SecretError) {
            mac = HMAC<SHA256>(key: SymmetricKey(data: try WebhookSigner.key(secret)))
        }

        init(key: [UInt8]) { mac = HMAC<SHA256>(key: SymmetricKey(data: key)) }

        /// `v1,<base64>` of `"{id}.{timestamp}.{body}"`.
        public func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
            var mac = self.mac
            mac.update(data: Array("\(id).\(timestamp).".utf8))
            mac.update(data: body)
            return "v1," + Data(mac.finalize()).base64EncodedString()
        }
    }

    /// `v1,<base64>` for one secret.
    public static func signature(id: String, timestamp: Int, body: [UInt8], key: [UInt8]) -> String {
        SigningKey(key: key).signature(id: id, timestamp: timestamp, body: body)
    }

    /// Signs `body` with every secret (current first); unparseable secrets are skipped.
    public static func sign(id: String, timestamp: Int, body: [UInt8], secrets: [String]) -> Headers {
        sign(id: id, timestamp: timestamp, body: body, keys: secrets.compactMap { try? SigningKey(secret: $0) })
    }

    /// Signs `body` with every key (current first).
    public static func sign(id: String, timestamp: Int, body: [UInt8], keys: [SigningKey]) -> Headers {
        let signature = keys.count == 1
            ? keys[0].signature(id: id, timestamp: timestamp, body: body)
            : keys.map { $0.signature(id: id, timestamp: timestamp, body: body) }.joined(separator: " ")
        return Headers(id: id, timestamp: timestamp, signature: signature)
    }

    /// Verifies a delivery as a receiver would: some `v1` signature matches some secret, and the
    /// timestamp is within `tolerance` seconds of `now`.
    public static func verify(id: String, timestamp: Int, signatureHeader: String, body: [UInt8], secrets: [String],
                              now: Int, tolerance: Int = 300) -> Bool {
        guard abs(now - timestamp) <= tolerance else { return false }
        let given = signatureHeader.split(separator: " ").map(String.init)
        for s in secrets {
            guard let k = try? key(s) else { continue }
            let expected = signature(id: id, timestamp: timestamp, body: body, key: k)
            if given.contains(where: { KeyHash.constantTimeEqual($0, expected) }) { return true }
        }
        return false
    }
}
