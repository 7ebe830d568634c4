import Foundation

/// Time as a dependency (DESIGN.md rule 4: policy as data, clock passed in): what time it is and
/// how to wait, on one time base. Production uses the server's `SystemClock` (the core reads no
/// clock itself); tests use a manual clock and move it in milliseconds instead of waiting.
public protocol SquawkClock: Sendable {
    /// Wall time now.
    func now() -> Date
    /// Returns once `duration` of this clock's time has passed. Throws `CancellationError` when
    /// the task is cancelled first.
    func sleep(for duration: Duration) async throws
}

/// A random source that can be passed around: the system generator, or a seeded stream that
/// every copy shares (so a test that seeds it gets the same draws, in order, wherever it is used).
public struct RandomSource: RandomNumberGenerator, Sendable {
    private final class Seeded: @unchecked Sendable {
        let lock = NSLock()
        var stream: SplitMix64
        init(_ seed: UInt64) { stream = SplitMix64(seed: seed) }
        func next() -> UInt64 { lock.withLock { stream.next() } }
    }
    private let seeded: Seeded?

    /// `SystemRandomNumberGenerator`.
    public static var system: RandomSource { RandomSource(seeded: nil) }
    /// A SplitMix64 stream from `seed`.
    public static func seeded(_ seed: UInt64) -> RandomSource { RandomSource(seeded: Seeded(seed)) }

    public mutating func next() -> UInt64 {
        if let seeded { return seeded.next() }
        var system = SystemRandomNumberGenerator()
        return system.next()
    }
}
