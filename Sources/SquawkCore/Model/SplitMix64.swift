/// SplitMix64: a tiny deterministic generator for reproducible data (benchmarks, property
/// tests). Not for secrets. The core's policies take a generator as a parameter (DESIGN.md
/// rule 3); this is the one to pass when the same seed must give the same draws.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
