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
}
