import Foundation
import SquawkCore

/// The matcher figures of the subscriptions issue: time to route a batch of events against a
/// large set of subscriptions, and resident memory of a matcher holding very many.
///
/// Subscriptions are a realistic mix: flight ids, exact callsigns, callsign prefixes and
/// virtual-organisation suffixes, users, airports, and a few whole-server ones. Events are
/// takeoffs and landings of flights drawn from the same populations, so most of them match
/// something. Not a test: figures depend on the machine; run it in release on an idle one.
public enum MatcherBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var subscriptions: Int
        public var events: Int
        public var buildSeconds: Double
        /// Median wall time to match the whole batch, seconds.
        public var medianBatchSeconds: Double
        public var p99BatchSeconds: Double
        /// Subscription ids produced by one batch (sanity: non-zero).
        public var matchesPerBatch: Int
        /// RSS growth while building the matcher, bytes (Linux).
        public var residentGrowthBytes: Int?

        public var description: String {
            let rss = residentGrowthBytes.map { String(format: "%.0f MB (%.0f B/subscription)", Double($0) / 1_048_576, Double($0) / Double(max(1, subscriptions))) } ?? "n/a"
            return String(format: "matcher: %d subscriptions built in %.2f s; %d events matched in median %.3f ms (p99 %.3f ms), %d matches per batch; RSS growth %@",
                          subscriptions, buildSeconds, events, medianBatchSeconds * 1000, p99BatchSeconds * 1000, matchesPerBatch, rss)
        }
    }

    static let airports = ["KLAX", "KSFO", "KJFK", "EGLL", "EHAM", "LFPG", "EDDF", "RJTT", "YSSY", "OMDB", "KATL", "KORD",
                           "KDEN", "KSEA", "CYYZ", "LEMD", "LIRF", "EGKK", "KBOS", "KMIA"]
    static let airlines = ["DAL", "UAL", "AAL", "BAW", "AFR", "DLH", "KLM", "SWA", "JBU", "QFA", "UAE", "ANA"]

    /// Builds `subscriptions` subscriptions, then matches `events` events `runs` times.
    public static func run(subscriptions count: Int = 100_000, events eventCount: Int = 1_000, runs: Int = 50,
                           seed: UInt64 = 0x4D41_5443) -> Result {
        var rng = SplitMix64(seed: seed)
        let flightPool = max(1, count / 4)
        func flightId(_ n: Int) -> String { "f\(String(n, radix: 16))-0000-4000-8000-\(String(n &* 2654435761 & 0xFFFF_FFFF, radix: 16))" }
        func callsign(_ n: Int) -> String { airlines[n % airlines.count] + String(n % 9000 + 1) }
        let created = Date(timeIntervalSince1970: 1_790_000_000)
        let all: EventType.AllCases = EventType.allCases
        let rssBefore = ProcessMeter.residentBytes()
        let clock = ContinuousClock()
        var matcher = Matcher()
        let build = clock.measure {
            for i in 0..<count {
                let pick = Int.random(in: 0..<100, using: &rng)
                let n = Int.random(in: 0..<flightPool, using: &rng)
                let target: SubscriptionTarget
                switch pick {
                case 0..<40: target = .init(kind: .flight, id: flightId(n))
                case 40..<70: target = .init(kind: .callsign, id: callsign(n))
                case 70..<72: target = .init(kind: .callsign, id: airlines[n % airlines.count] + "*")
                case 72..<73: target = .init(kind: .callsign, id: "*VA")
                case 73..<90: target = .init(kind: .user, id: "user-\(n)")
                case 90..<99: target = .init(kind: .airport, id: airports[n % airports.count])
                default: target = .init(kind: .server, id: "Expert Server")
                }
                let events: Set<EventType> = pick < 90 ? Set(all) : [.takeoff, .landing]
                matcher.insert(Subscription(
                    id: "sub_\(String(i, radix: 32))", ownerKeyId: "admin", target: target, server: nil,
                    events: events, notifyEndpoint: "https://hooks.example.com/\(i)", createdAt: created))
            }
        }
        let rssAfter = ProcessMeter.residentBytes()
        let server = ServerRef(id: "expert", name: "Expert Server")
        var batch: [FlightEvent] = []
        for i in 0..<eventCount {
            let n = Int.random(in: 0..<flightPool, using: &rng)
            batch.append(FlightEvent(
                id: "evt_\(i)", type: i % 2 == 0 ? .takeoff : .landing, at: created.addingTimeInterval(60),
                server: server, flightId: flightId(n), userId: "user-\(n)", callsign: callsign(n),
                airport: airports[(n / 7) % airports.count]))
        }
        var times: [Double] = []
        var matches = 0
        for _ in 0..<runs {
            var produced = 0
            let d = clock.measure { produced = matcher.match(batch).reduce(0) { $0 + $1.count } }
            matches = produced
            times.append(d.inSeconds)
        }
        let sorted = times.sorted()
        return Result(
            subscriptions: matcher.count, events: eventCount, buildSeconds: build.inSeconds,
            medianBatchSeconds: ProcessMeter.median(times),
            p99BatchSeconds: sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))],
            matchesPerBatch: matches,
            residentGrowthBytes: rssBefore.flatMap { b in rssAfter.map { $0 - b } })
    }
}
