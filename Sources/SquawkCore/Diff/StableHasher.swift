/// FNV-1a over 8-byte words with a final avalanche, for plans and ATIS texts: a fingerprint
/// that is the same in every process (unlike `Hasher`, which is seeded per process), for state
/// that is persisted. Each string is followed by its length, so `["AB", "C"]` and
/// `["A", "BC"]` differ.
struct StableHasher {
    private var h: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Mixes in a string (`nil` and `""` mix the same).
    mutating func mix(_ text: borrowing String?) {
        let h0 = h
        guard let text = copy text else {
            h = Self.word(Self.word(h0, 0), 0x1f)
            return
        }
        // Native and small strings lend their bytes without a copy of the string.
        if let mixed = text.utf8.withContiguousStorageIfAvailable({ Self.absorb(h0, $0) }) {
            h = mixed
        } else {
            var s = text
            h = s.withUTF8 { Self.absorb(h0, $0) }
        }
    }

    /// Mixes in each string of a list.
    mutating func mix(all texts: [String]) {
        texts.withUnsafeBufferPointer { list in
            for i in list.indices { mix(list[i]) }
        }
    }

    /// `h` with the bytes of `b` and their count mixed in, eight bytes at a time.
    private static func absorb(_ h: UInt64, _ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = h
        let raw = UnsafeRawBufferPointer(b)
        var i = 0
        while i + 8 <= raw.count {
            h = word(h, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var w: UInt64 = 0, shift: UInt64 = 0
        while i < raw.count {
            w |= UInt64(raw[i]) << shift
            shift += 8
            i += 1
        }
        return word(word(h, w), UInt64(raw.count) << 56 ^ 0x1f)
    }

    /// The fingerprint (never 0: 0 means "no plan" in ``FlightTrack``).
    func finish() -> UInt64 {
        var x = h
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        return x == 0 ? 1 : x
    }

    private static func word(_ h: UInt64, _ w: UInt64) -> UInt64 {
        let x = (h ^ w) &* 0x100_0000_01b3
        return x ^ (x >> 29)
    }
}
