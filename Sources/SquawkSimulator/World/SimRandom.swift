// MARK: - SimRandom

/// The simulator's own pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// Everything random in the world draws from one of these, never from
/// `SystemRandomNumberGenerator`, so the same seed always gives the same world. Each flight owns
/// its own stream (``derived(_:)``), which keeps one flight's draws from shifting another's.
struct SimRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose state is expanded from `seed` with SplitMix64.
    init(seed: UInt64) {
        var sm = seed
        s0 = SimRandom.splitMix(&sm)
        s1 = SimRandom.splitMix(&sm)
        s2 = SimRandom.splitMix(&sm)
        s3 = SimRandom.splitMix(&sm)
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// One SplitMix64 step (also used on its own as a hash finaliser).
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Mixes several values into one well-spread 64-bit number (for deriving seeds).
    static func mix(_ values: UInt64...) -> UInt64 {
        var state: UInt64 = 0x51_7CC1_B727_220A
        var out: UInt64 = 0
        for v in values {
            state ^= v
            out = splitMix(&state)
            state = out
        }
        return out
    }

    /// FNV-1a over the UTF-8 bytes of `text`: a stable string hash (Swift's `Hasher` is
    /// randomly seeded per process, so it must never feed the world).
    static func stableHash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        var s = h
        return splitMix(&s)
    }

    mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// An independent stream for a sub-entity (a flight, a server), derived from this seed space.
    func derived(_ salt: UInt64) -> SimRandom {
        SimRandom(seed: SimRandom.mix(s0, s2, salt))
    }

    // MARK: - Draws

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [lo, hi).
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// Uniform integer in the closed range.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound + 1)
        return range.lowerBound + Int(next() % span)
    }

    /// `true` with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Symmetric noise in [-amplitude, amplitude].
    mutating func jitter(_ amplitude: Double) -> Double { (unit() * 2 - 1) * amplitude }

    /// An element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    /// An index drawn with the given (non-negative, not all zero) weights.
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var x = unit() * total
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }

    /// A lowercase version-4 UUID string built from two draws.
    mutating func uuid() -> String { SimRandom.uuidString(next(), next()) }

    /// Formats 128 bits as a lowercase version-4 UUID string.
    static func uuidString(_ hi: UInt64, _ lo: UInt64) -> String {
        let h = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let l = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for i in 0..<16 {
            let v = (h >> UInt64(60 - i * 4)) & 0xF
            out.append(digits[Int(v)])
            if i == 7 || i == 11 { out.append(UInt8(ascii: "-")) }
        }
        out.append(UInt8(ascii: "-"))
        for i in 0..<16 {
            let v = (l >> UInt64(60 - i * 4)) & 0xF
            out.append(digits[Int(v)])
            if i == 3 { out.append(UInt8(ascii: "-")) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A UUID that depends only on `name` (stable across seeds: aircraft and livery ids).
    static func stableUUID(_ name: String) -> String {
        var s = stableHash(name)
        return uuidString(splitMix(&s), splitMix(&s))
    }
}
