import Foundation

// MARK: - ListGaps

/// Short gaps in the flights list, as real Live API servers have them: now and then a flight
/// that is still online is missing from `GET /sessions/{id}/flights` for a few seconds. The
/// truth log records nothing for a gap (the flight never went offline), so a detector that
/// calls such a gap `flight.offline` counts as a false event.
///
/// Deterministic and free of the world's random stream (adding or removing gaps changes no
/// flight): each flight's time is cut into windows of ``interval`` seconds, offset by a phase
/// drawn from its id, and every window holds one gap of ``minDuration``–``maxDuration`` seconds
/// at an offset drawn from (seed, flight id, window). Gaps never straddle windows, so with
/// ``maxDuration`` under two polling intervals (28 s against 15 s) a poller misses a flight in at
/// most two consecutive snapshots.
public struct ListGaps: Sendable, Hashable {
    /// Seconds between the starts of a flight's windows (one gap per window).
    public var interval: Int
    /// Shortest and longest gap, seconds.
    public var minDuration: Int
    public var maxDuration: Int

    public init(interval: Int = 1_800, minDuration: Int = 5, maxDuration: Int = 28) {
        self.interval = max(2, interval)
        self.minDuration = max(1, min(minDuration, maxDuration))
        self.maxDuration = max(self.minDuration, min(maxDuration, self.interval - 1))
    }

    /// One gap per flight every 30 minutes, 5–28 s long.
    public static let typical = ListGaps()

    /// Whether the flight is missing from the list at `second` (seconds since the world's start).
    func hides(flight key: UInt64, second: Int, seed: UInt64) -> Bool {
        let phase = Int(SimRandom.mix(seed, key, 0x6A95) % UInt64(interval))
        let shifted = second + phase
        let window = shifted / interval
        let h = SimRandom.mix(seed, key, UInt64(window), 0x6A95_0002)
        let span = maxDuration - minDuration + 1
        let duration = minDuration + Int(h % UInt64(span))
        let offset = Int((h >> 20) % UInt64(interval - duration + 1))
        let inWindow = shifted - window * interval
        return inWindow >= offset && inWindow < offset + duration
    }

    /// A stable 64-bit key of a flight id (FNV-1a; `Hasher` differs between processes).
    static func key(_ flightId: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in flightId.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01B3
        }
        return h
    }
}
