import Foundation
import SquawkCore

/// Per-endpoint pacing: a token bucket per receiver URL, a cap on sends in flight to it at once,
/// and a "not before" time after a 429/503 (the endpoint is slowed down as a whole, not just the
/// one delivery). Pure bookkeeping on times passed in; the dispatcher owns one instance, takes a
/// slot before each send and gives it back after (``release(_:)``).
///
/// Default rates (../shared/FACTS.md): Discord webhooks 5 requests per 2 s, Slack incoming
/// webhooks 1 per second; other receivers 50 per second each.
public struct EndpointLimiter: Sendable {
    public struct Rate: Sendable, Hashable {
        public var requests: Double
        public var per: Double
        public init(requests: Double, per: Double) {
            self.requests = requests
            self.per = per
        }
        public static let discord = Rate(requests: 5, per: 2)
        public static let slack = Rate(requests: 1, per: 1)
        public static let standard = Rate(requests: 50, per: 1)
    }

    struct Bucket {
        var tokens: Double
        var updated: Date
        var notBefore: Date?
        var inFlight = 0
    }

    public var rates: [PayloadFormat: Rate]
    /// Sends in flight to one endpoint at once; more wait (a slow receiver does not take every
    /// connection of the dispatcher).
    public var maxInFlight: Int
    private var buckets: [String: Bucket] = [:]

    public init(rates: [PayloadFormat: Rate] = [.discord: .discord, .slack: .slack, .json: .standard, .flifo: .standard],
                maxInFlight: Int = 16) {
        self.rates = rates
        self.maxInFlight = max(1, maxInFlight)
    }

    /// Takes a token for `endpoint` at `now`; returns nil when it may send now, or the time when
    /// it may try again.
    public mutating func acquire(_ endpoint: String, format: PayloadFormat, now: Date) -> Date? {
        let rate = rates[format] ?? .standard
        var b = buckets[endpoint] ?? Bucket(tokens: rate.requests, updated: now, notBefore: nil)
        if let nb = b.notBefore, nb > now { buckets[endpoint] = b; return nb }
        if b.inFlight >= maxInFlight { buckets[endpoint] = b; return now.addingTimeInterval(1) }
        let elapsed = max(0, now.timeIntervalSince(b.updated))
        b.tokens = min(rate.requests, b.tokens + elapsed * rate.requests / rate.per)
        b.updated = now
        if b.tokens >= 1 {
            b.tokens -= 1
            b.inFlight += 1
            buckets[endpoint] = b
            return nil
        }
        buckets[endpoint] = b
        return now.addingTimeInterval((1 - b.tokens) * rate.per / rate.requests)
    }

    /// Gives back the in-flight slot a successful ``acquire(_:format:now:)`` took.
    public mutating func release(_ endpoint: String) {
        guard var b = buckets[endpoint], b.inFlight > 0 else { return }
        b.inFlight -= 1
        buckets[endpoint] = b
    }

    /// Sends to `endpoint` in flight now (slots taken and not given back).
    public func inFlight(_ endpoint: String) -> Int { buckets[endpoint]?.inFlight ?? 0 }

    /// Slows an endpoint down until `until` (after 429/502/503/504).
    public mutating func throttle(_ endpoint: String, until: Date) {
        var b = buckets[endpoint] ?? Bucket(tokens: 0, updated: until, notBefore: nil)
        b.notBefore = max(b.notBefore ?? until, until)
        b.tokens = 0
        buckets[endpoint] = b
    }

    /// Forgets idle endpoints (keeps memory bounded).
    public mutating func prune(idleSince: Date) {
        buckets = buckets.filter { $0.value.inFlight > 0 || $0.value.updated >= idleSince || ($0.value.notBefore ?? .distantPast) > idleSince }
    }
}
