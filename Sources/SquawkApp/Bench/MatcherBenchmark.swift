import Foundation
import SquawkCore

/// The matcher figures of the subscriptions issue: time to route a batch of events against a
/// large set of subscriptions, and resident memory of a matcher holding very many.
///
/// Subscriptions are a realistic mix: flight ids, exact callsigns, callsign prefixes and
/// virtual-organisation suffixes, users, airports (2,000 of them), and ten whole-server ones.
/// Events are takeoffs and landings of flights drawn from the same populations, so most of them
/// match something (about twenty subscriptions each, ten of them the server-wide ones). Not a test: figures depend on the machine; run it in release on an idle one.
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
        /// The process's whole RSS with the matcher built (Linux).
        public var residentTotalBytes: Int?

        public var description: String {
            let rss = residentGrowthBytes.map { String(format: "%.0f MB (%.0f B/subscription)", Double($0) / 1_048_576, Double($0) / Double(max(1, subscriptions))) } ?? "n/a"
            let total = residentTotalBytes.map { String(format: "%.0f MB", Double($0) / 1_048_576) } ?? "n/a"
            return String(format: "matcher: %d subscriptions built in %.2f s; %d events matched in median %.3f ms (p99 %.3f ms), %d matches per batch; RSS growth %@, process RSS %@",
                          subscriptions, buildSeconds, events, medianBatchSeconds * 1000, p99BatchSeconds * 1000, matchesPerBatch, rss, total)
        }
    }

    /// Three-letter airline codes and two-letter virtual-organisation suffixes, drawn from pools
    /// the size of the real ones (hundreds of airlines, about a hundred VAs).
    static func airline(_ n: Int) -> String {
        let a = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return String([a[n % 26], a[(n / 26) % 26], a[(n / 676) % 26]])
    }
    static func organisation(_ n: Int) -> String {
        let a = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return String([a[n % 26], a[(n / 26) % 4]]) + "VA"
    }

    /// Builds `subscriptions` subscriptions, then matches `events` events `runs` times.
    public static func run(subscriptions count: Int = 100_000, events eventCount: Int = 1_000, runs: Int = 50,
                           seed: UInt64 = 0x4D41_5443) -> Result {
        var rng = SplitMix64(seed: seed)
        let flightPool = max(1, count / 4)
        let airports = Array(AirportIndex.bundled.airports.prefix(2_000).map(\.icao))
        func flightId(_ n: Int) -> String { "f\(String(n, radix: 16))-0000-4000-8000-\(String(n &* 2654435761 & 0xFFFF_FFFF, radix: 16))" }
        // A flight's callsign: an airline's, or a virtual organisation's (suffix) for one in five.
        func callsign(_ n: Int) -> String {
            n % 5 == 0 ? "N\(n % 900 + 100)" + organisation(n / 5 % 100) : airline(n % 300) + String(n % 9000 + 1)
        }
        let created = Date(timeIntervalSince1970: 1_790_000_000)
        let all = Set(EventType.allCases)
        let rssBefore = ProcessMeter.residentBytes()
        let clock = ContinuousClock()
        var matcher = Matcher()
        // The mix: flights 40 %, exact callsigns 30 %, airline prefixes 2 %, VA suffixes 1 %,
        // pilots 17 %, airports 10 %, and ten whole-server subscriptions (an operator's own).
        let build = clock.measure {
            for i in 0..<count {
                let pick = Int.random(in: 0..<1000, using: &rng)
                let n = Int.random(in: 0..<flightPool, using: &rng)
                let target: SubscriptionTarget
                switch pick {
                case _ where i < 10: target = .init(kind: .server, id: "Expert Server")
                case 0..<400: target = .init(kind: .flight, id: flightId(n))
                case 400..<700: target = .init(kind: .callsign, id: callsign(n))
                case 700..<720: target = .init(kind: .callsign, id: airline(n % 300) + "*")
                case 720..<730: target = .init(kind: .callsign, id: "*" + organisation(n % 100))
                case 730..<900: target = .init(kind: .user, id: "user-\(n)")
                default: target = .init(kind: .airport, id: airports[n % airports.count])
                }
                let events: Set<EventType> = pick < 900 ? all : [.takeoff, .landing]
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
            times.append(d.timeInterval)
        }
        let sorted = times.sorted()
        return Result(
            subscriptions: matcher.count, events: eventCount, buildSeconds: build.timeInterval,
            medianBatchSeconds: ProcessMeter.median(times),
            p99BatchSeconds: sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))],
            matchesPerBatch: matches,
            residentGrowthBytes: rssBefore.flatMap { b in rssAfter.map { $0 - b } },
            residentTotalBytes: rssAfter)
    }
}
