import Foundation
import SquawkCore
import SquawkSQLite
import SquawkStore

/// The store benchmark of the subscriptions issue's closing note: inserts `count` subscriptions
/// (each with its signing secret) into a fresh SQLite file in batches of `batchSize` per
/// transaction, then times `allActive()` (what building the matcher costs at start-up) and
/// reports resident memory with the result held.
///
/// Not a test: figures depend on the machine; run it on an idle one, in release.
public struct StoreBenchmark: Sendable {
    public var count: Int
    public var batchSize: Int
    /// The database file; nil for a temporary file deleted afterwards.
    public var path: String?

    public init(count: Int = 1_000_000, batchSize: Int = 10_000, path: String? = nil) {
        self.count = count
        self.batchSize = batchSize
        self.path = path
    }

    /// What one run measured.
    public struct Result: Sendable, CustomStringConvertible {
        public var count: Int
        public var batchSize: Int
        public var insertSeconds: Double
        public var allActiveSeconds: Double
        public var loaded: Int
        /// Resident set size after `allActive()`, with its result still held (Linux only).
        public var residentBytes: Int?
        public var insertsPerSecond: Double { Double(count) / insertSeconds }

        public var description: String {
            let rss = residentBytes.map { String(format: "%.0f MB", Double($0) / 1_048_576) } ?? "n/a"
            return String(format: "store: inserted %d subscriptions in batches of %d in %.2f s (%.0f/s); allActive() loaded %d in %.3f s; RSS %@",
                          count, batchSize, insertSeconds, insertsPerSecond, loaded, allActiveSeconds, rss)
        }
    }

    /// Runs the benchmark; `progress` hears a line per 10 % inserted.
    public func run(progress: @Sendable (String) -> Void = { _ in }) async throws -> Result {
        let store = try path.map { try SQLiteStore(path: $0) } ?? SQLiteStore.temporary()
        var rng = SplitMix64(seed: 0x5157_A3C0)
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        let clock = ContinuousClock()

        var insertTime = Duration.zero
        var made = 0
        var nextReport = count / 10
        while made < count {
            let n = min(batchSize, count - made)
            let batch = (0..<n).map { i in Self.subscription(made + i, start: start, using: &rng) }
            insertTime += try await clock.measure { try await store.createBatch(batch) }
            made += n
            if made >= nextReport {
                progress("inserted \(made)")
                nextReport += max(1, count / 10)
            }
        }

        var loaded: [Subscription] = []
        let loadTime = try await clock.measure { loaded = try await store.allActive() }
        let result = Result(count: count, batchSize: batchSize, insertSeconds: insertTime.timeInterval, allActiveSeconds: loadTime.timeInterval,
                            loaded: loaded.count, residentBytes: ProcessMeter.residentBytes())
        withExtendedLifetime(loaded) {}
        return result
    }

    // MARK: - Data

    /// A plausible mix: 40 % airports, 30 % callsigns (half patterns), 20 % users, 10 % flights;
    /// one in twenty disabled.
    static func subscription(_ n: Int, start: Date, using rng: inout SplitMix64) -> (Subscription, SigningSecret) {
        let created = start.addingTimeInterval(Double(n) / 1000)
        let target: SubscriptionTarget
        switch n % 10 {
        case 0..<4: target = SubscriptionTarget(kind: .airport, id: airports[Int(rng.next() % UInt64(airports.count))])
        case 4..<7: target = SubscriptionTarget(kind: .callsign, id: n % 2 == 0 ? "DAL\(rng.next() % 9000)" : "N\(rng.next() % 900)*")
        case 7..<9: target = SubscriptionTarget(kind: .user, id: "pilot\(rng.next() % 200_000)")
        default: target = SubscriptionTarget(kind: .flight, id: String(rng.next(), radix: 16))
        }
        let subscription = Subscription(
            id: Identifiers.make(prefix: "sub", at: created, using: &rng), ownerKeyId: "key_bench\(n % 100)", target: target,
            events: target.kind.defaultEvents, notifyEndpoint: "https://hooks.example.com/bench/\(n % 1000)", format: .json,
            status: n % 20 == 19 ? .disabled : .active, createdAt: created)
        return (subscription, SigningSecret(secret: Identifiers.webhookSecret(using: &rng), createdAt: created))
    }

    static let airports = ["KLAX", "KSFO", "KJFK", "EGLL", "EHAM", "LFPG", "EDDF", "RJTT", "YSSY", "OMDB", "KATL", "KORD"]

}
