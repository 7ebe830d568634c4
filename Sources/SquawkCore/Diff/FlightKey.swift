/// The key of ``DiffState``'s flight table: a flight id's bytes inline (the id string itself
/// lives in ``FlightTable``).
///
/// Live API flight ids are 36-character UUIDs. A `String`-keyed dictionary hashes all of them
/// with SipHash on every lookup and compares keys through their heap storage (a cache miss per
/// probe on a 10,000-flight table; a decoded response brings a new string object per id). This
/// key copies the id's UTF-8 bytes into five inline words (ids up to 40 bytes), hashes one
/// word mixed from them and compares words, so a lookup touches only the id being looked up.
/// Longer ids keep a 128-bit hash inline and are compared as strings too: always exact.
struct FlightKey: Hashable, Sendable {
    private let w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64, w4: UInt64
    /// UTF-8 length of the id; above ``inlineCapacity`` the words hold a hash.
    private let count: Int
    /// The id itself, kept only when it does not fit inline.
    private let long: String?

    static let inlineCapacity = 40

    init(_ id: borrowing String) {
        let words: ((UInt64, UInt64, UInt64, UInt64, UInt64), Int)
        if let w = id.utf8.withContiguousStorageIfAvailable({ Self.words($0) }) {
            words = w
        } else {
            var text = copy id
            words = text.withUTF8 { Self.words($0) }
        }
        (w0, w1, w2, w3, w4) = words.0
        count = words.1
        long = words.1 > Self.inlineCapacity ? copy id : nil
    }

    static func == (a: FlightKey, b: FlightKey) -> Bool {
        a.w0 == b.w0 && a.w1 == b.w1 && a.w2 == b.w2 && a.w3 == b.w3 && a.w4 == b.w4 && a.count == b.count
            && (a.count <= inlineCapacity || a.long == b.long)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(mixed)
    }

    /// What `Dictionary` calls instead of running SipHash over ``hash(into:)``: a
    /// multiply–xorshift of the inline words with the per-process seed. Ids come from the
    /// upstream service, not from users, so hash flooding is not a concern for this table.
    func _rawHashValue(seed: Int) -> Int {
        var x = mixed ^ UInt64(UInt(bitPattern: seed))
        x = (x ^ (x >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        x = (x ^ (x >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return Int(Int64(bitPattern: x ^ (x >> 33)))
    }

    /// The inline words folded into one.
    private var mixed: UInt64 {
        var x = w0 ^ (w1 &* 0x9E37_79B9_7F4A_7C15) ^ (w2 &* 0xC2B2_AE3D_27D4_EB4F)
        x ^= (w3 &* 0x1656_67B1_9E37_79F9) ^ (w4 &* 0xFF51_AFD7_ED55_8CCD) ^ UInt64(truncatingIfNeeded: count)
        return x ^ (x >> 32)
    }

    // MARK: - Words

    /// The id's bytes as five little-endian words (zero-padded), or a hash of a longer id.
    private static func words(_ b: UnsafeBufferPointer<UInt8>) -> ((UInt64, UInt64, UInt64, UInt64, UInt64), Int) {
        let n = b.count
        guard n <= inlineCapacity else {
            var h1: UInt64 = 0xcbf2_9ce4_8422_2325, h2: UInt64 = 0x8422_2325_cbf2_9ce4 ^ UInt64(n)
            for byte in b {
                h1 = (h1 ^ UInt64(byte)) &* 0x100_0000_01b3
                h2 = (h2 ^ UInt64(byte)) &* 0xff51_afd7_ed55_8ccd
                h2 ^= h2 >> 31
            }
            return ((h1, h2, 0, 0, 0), n)
        }
        var w: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &w) { raw in
            if let base = b.baseAddress, n > 0 { raw.baseAddress!.copyMemory(from: base, byteCount: n) }
        }
        return (w, n)
    }
}
