import Foundation

// MARK: - RequestLedger

/// Counts requests, enforces the per-key budget and numbers requests for fault draws.
///
/// The budget is a sliding 60 s window over the wall-clock times of *admitted* requests: the
/// `n+1`-th request inside a window is refused with `Retry-After` = seconds until the oldest
/// admitted request leaves the window (at least 1). Refused requests do not consume budget.
///
/// `@unchecked Sendable`: every field is guarded by `lock` (NSLock rather than `Mutex`, see
/// FACTS.md on ThreadSanitizer).
final class RequestLedger: @unchecked Sendable {
    private let lock = NSLock()
    private var windows: [String: [Date]] = [:]
    private var requests = 0
    private var rateLimited = 0
    private var byEndpoint: [String: Int] = [:]
    private var sequence: UInt64 = 0

    /// Counts a request for `endpoint` and returns its arrival number.
    func record(endpoint: String) -> UInt64 {
        lock.withLock {
            requests += 1
            byEndpoint[endpoint, default: 0] += 1
            sequence += 1
            return sequence
        }
    }

    /// Admits a request for `key` at `now`, or returns the `Retry-After` seconds.
    func admit(key: String, now: Date, limit: Int) -> Int? {
        guard limit > 0 else { return nil }
        return lock.withLock {
            var window = windows[key, default: []]
            let cutoff = now.addingTimeInterval(-60)
            if let firstKept = window.firstIndex(where: { $0 > cutoff }) {
                if firstKept > 0 { window.removeFirst(firstKept) }
            } else {
                window.removeAll()
            }
            if window.count >= limit {
                windows[key] = window
                rateLimited += 1
                let wait = window[0].addingTimeInterval(60).timeIntervalSince(now)
                return max(1, Int(wait.rounded(.up)))
            }
            window.append(now)
            windows[key] = window
            return nil
        }
    }

    /// `{"requests": N, "rateLimited": N, "byEndpoint": {...}}`.
    var stats: SimulatorStats {
        lock.withLock { SimulatorStats(requests: requests, rateLimited: rateLimited, byEndpoint: byEndpoint) }
    }
}

// MARK: - SimulatorStats

/// What `GET /_sim/stats` returns: requests received on `/public/v2/…`, how many got HTTP 429,
/// and requests per endpoint (names as `LiveAPIEndpoints` uses: `flights`, `atc`, …).
public struct SimulatorStats: Sendable, Codable, Hashable {
    public var requests: Int
    public var rateLimited: Int
    public var byEndpoint: [String: Int]

    public init(requests: Int, rateLimited: Int, byEndpoint: [String: Int]) {
        self.requests = requests
        self.rateLimited = rateLimited
        self.byEndpoint = byEndpoint
    }
}
