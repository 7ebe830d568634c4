import Crypto

/// Hashing of API keys and request fingerprints: SHA-256, lower-case hex.
public enum KeyHash {
    public static func sha256Hex(_ s: String) -> String {
        SHA256.hash(data: Array(s.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
