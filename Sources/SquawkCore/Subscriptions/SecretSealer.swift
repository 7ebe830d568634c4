import Crypto
import Foundation

/// Webhook signing secrets encrypted at rest (AES-256-GCM, swift-crypto), with the operator's
/// `secrets.key` (32 bytes, base64). A sealed value reads `enc:v1:<key id>:<base64 of nonce,
/// ciphertext and tag>`; the key id (8 hex characters of the key's SHA-256) names which key
/// sealed it, so a wrong key is an error that says so, never garbage. Values without the prefix
/// are plain (written before a key was configured) and read as they are, so a key can be added
/// to a running installation; `squawk secrets reseal` seals or re-seals every stored secret.
public struct SecretSealer: Sendable {
    public struct KeyError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    private let key: SymmetricKey
    /// 8 hex characters of SHA-256(key): names the key without revealing it.
    public let keyId: String

    static let prefix = "enc:v1:"

    /// From the base64 text of a 32-byte key (what `squawk secrets new-key` prints).
    public init(base64Key: String) throws(KeyError) {
        guard let bytes = Data(base64Encoded: base64Key.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw KeyError(description: "secrets.key must be 32 random bytes in base64 (squawk secrets new-key makes one)")
        }
        key = SymmetricKey(data: bytes)
        keyId = SHA256.hash(data: bytes).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// A new random key, base64.
    public static func newKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Whether `stored` is a sealed value.
    public static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(prefix) }

    /// Encrypts a secret for storage (a fresh random nonce each time).
    public func seal(_ secret: String) -> String {
        // AES-GCM with a random 96-bit nonce cannot fail for in-memory data of this size.
        let box = try! AES.GCM.seal(Array(secret.utf8), using: key)
        return Self.prefix + keyId + ":" + box.combined!.base64EncodedString()
    }

    /// The secret a stored value holds: sealed ones decrypted (with this key only), plain ones as they are.
    public func open(_ stored: String) throws(KeyError) -> String {
        guard Self.isSealed(stored) else { return stored }
        let rest = stored.dropFirst(Self.prefix.count)
        guard let colon = rest.firstIndex(of: ":") else { throw KeyError(description: "a stored secret is malformed") }
        let id = String(rest[..<colon])
        guard id == keyId else {
            throw KeyError(description: "stored webhook secrets are sealed with key \(id), but secrets.key is key \(keyId)")
        }
        guard let data = Data(base64Encoded: String(rest[rest.index(after: colon)...])),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key) else {
            throw KeyError(description: "a stored secret does not open with key \(keyId) (tampered or corrupt)")
        }
        return String(decoding: plain, as: UTF8.self)
    }

    /// What `stored` holds when no key is configured: plain values; a sealed one is an error.
    public static func openWithoutKey(_ stored: String) throws(KeyError) -> String {
        guard isSealed(stored) else { return stored }
        throw KeyError(description: "stored webhook secrets are sealed, but no secrets.key is configured")
    }
}

extension Optional where Wrapped == SecretSealer {
    /// Seals with the key, if any.
    public func seal(_ secret: String) -> String { self?.seal(secret) ?? secret }

    /// Opens with the key, if any (a sealed value without a key is an error).
    public func open(_ stored: String) throws(SecretSealer.KeyError) -> String {
        if let sealer = self { return try sealer.open(stored) }
        return try SecretSealer.openWithoutKey(stored)
    }
}
