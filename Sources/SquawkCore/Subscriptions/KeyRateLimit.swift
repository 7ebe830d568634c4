import Foundation

/// Per-key write budget of the API: a token bucket per key of `perMinute` tokens, refilled
/// continuously at `perMinute` a minute (so a burst of `perMinute` writes, then one every
/// 60 ÷ `perMinute` s). Pure: time is passed in (DESIGN.md rule 3); the API keeps one behind a lock.
///
/// | bucket | `admit` |
/// | --- | --- |
/// | ≥ 1 token | takes one: nil (go ahead) |
/// | < 1 token | the seconds until it has one (the `Retry-After`), whole and at least 1 |
public struct KeyRateLimit: Sendable {
    public let perMinute: Int
    private var buckets: [String: (tokens: Double, at: Date)] = [:]

    /// `perMinute` 0 or less: no limit.
    public init(perMinute: Int) {
        self.perMinute = perMinute
    }

    /// Takes a token for `key` at `now`, or says how long to wait for one.
    public mutating func admit(_ key: String, now: Date) -> Int? {
        guard perMinute > 0 else { return nil }
        let capacity = Double(perMinute), rate = capacity / 60
        var (tokens, at) = buckets[key] ?? (capacity, now)
        tokens = min(capacity, tokens + max(0, now.timeIntervalSince(at)) * rate)
        defer { if buckets.count > 10_000 { prune(now: now) } }
        guard tokens >= 1 else {
            buckets[key] = (tokens, now)
            return max(1, Int(((1 - tokens) / rate).rounded(.up)))
        }
        buckets[key] = (tokens - 1, now)
        return nil
    }

    /// Forgets buckets that have filled up again (they would start full anyway).
    private mutating func prune(now: Date) {
        let capacity = Double(perMinute), rate = capacity / 60
        buckets = buckets.filter { $0.value.tokens + now.timeIntervalSince($0.value.at) * rate < capacity }
    }
}
