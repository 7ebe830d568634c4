import Foundation

/// When to try a failed delivery again. Data plus one pure function (DESIGN.md rule 4).
///
/// The default schedule is Svix's (≈ 27.6 h in all), as delays *before* attempt n:
///
/// | attempt | delay before it |
/// | --- | --- |
/// | 1 | immediately |
/// | 2 | 5 s |
/// | 3 | 5 min |
/// | 4 | 30 min |
/// | 5 | 2 h |
/// | 6 | 5 h |
/// | 7 | 10 h |
/// | 8 | 10 h |
/// | — | exhausted: the delivery is marked failed |
///
/// Each delay gets ±`jitter` (a fraction, default 20 %) from the generator passed in. A
/// `Retry-After` from the receiver replaces the scheduled delay when it is longer, clamped to
/// `maxRetryAfter` (default 1 h), so a hostile or confused receiver cannot park a delivery forever.
public struct RetryPolicy: Sendable, Hashable {
    /// Delay before each attempt, seconds; `schedule[0]` is the first attempt (normally 0).
    public var schedule: [Double]
    public var jitter: Double
    public var maxRetryAfter: Double

    public static let standard = RetryPolicy(schedule: [0, 5, 300, 1800, 7200, 18000, 36000, 36000])

    public init(schedule: [Double], jitter: Double = 0.2, maxRetryAfter: Double = 3600) {
        self.schedule = schedule
        self.jitter = jitter
        self.maxRetryAfter = maxRetryAfter
    }

    /// Total attempts allowed.
    public var maxAttempts: Int { schedule.count }

    /// The delay before attempt number `attempt + 1` after `attempt` attempts failed, or `nil`
    /// when the schedule is exhausted. `retryAfter` is the receiver's hint in seconds, if any.
    public func delay(afterFailedAttempts attempt: Int, retryAfter: Double?, using rng: inout some RandomNumberGenerator) -> Double? {
        guard attempt >= 1, attempt < schedule.count else { return nil }
        var d = schedule[attempt]
        if jitter > 0, d > 0 {
            d *= 1 + Double.random(in: -jitter...jitter, using: &rng)
        }
        if let ra = retryAfter, ra > 0 {
            d = max(d, min(ra, maxRetryAfter))
        }
        return d
    }

    /// Parses `Retry-After` (delay-seconds or an HTTP-date) into seconds from `now`; see ``RetryAfter``.
    public static func parseRetryAfter(_ value: String, now: Date) -> Double? {
        RetryAfter.delay(value, now: now)?.timeInterval
    }
}
