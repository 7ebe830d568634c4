import Crypto

/// Hashing of API keys and request fingerprints: SHA-256, lower-case hex.
public enum KeyHash {
    public static func sha256Hex(_ s: String) -> String {
        var s = s
        let digest = s.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        // Every request's key is hashed: hex by table, not a String per byte.
        return String(unsafeUninitializedCapacity: SHA256.byteCount * 2) { out in
            var i = 0
            for byte in digest {
                out[i] = hexDigits[Int(byte >> 4)]
                out[i + 1] = hexDigits[Int(byte & 0x0F)]
                i += 2
            }
            return i
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether two secrets (signatures, key hashes, tokens) are equal, in time that does not
    /// depend on where they differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var d: UInt8 = 0
        for i in x.indices { d |= x[i] ^ y[i] }
        return d == 0
    }
}
