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
        /// The same subscriptions with their filters removed, matched in the same run: the cost
        /// filters add is the difference between the two medians.
        public var unfilteredMedianBatchSeconds: Double
        public var unfilteredMatchesPerBatch: Int
        /// Subscriptions that carry filters.
        public var filtered: Int
        /// RSS growth while building the matcher, bytes (Linux).
        public var residentGrowthBytes: Int?
        /// The process's whole RSS with the matcher built (Linux).
        public var residentTotalBytes: Int?

        public var description: String {
            let rss = residentGrowthBytes.map { String(format: "%.0f MB (%.0f B/subscription)", Double($0) / 1_048_576, Double($0) / Double(max(1, subscriptions))) } ?? "n/a"
            let total = residentTotalBytes.map { String(format: "%.0f MB", Double($0) / 1_048_576) } ?? "n/a"
            return String(format: "matcher: %d subscriptions (%d with filters) built in %.2f s; %d events matched in median %.3f ms (p99 %.3f ms), %d matches per batch; the same without filters: median %.3f ms, %d matches; RSS growth %@, process RSS %@",
                          subscriptions, filtered, buildSeconds, events, medianBatchSeconds * 1000, p99BatchSeconds * 1000, matchesPerBatch,
                          unfilteredMedianBatchSeconds * 1000, unfilteredMatchesPerBatch, rss, total)
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
        var plain = Matcher()
        var filtered = 0
        let aircraft = ["Airbus A350-900", "Boeing 787-9", "Airbus A320", "Boeing 737-800", "Cessna 172"]
        // Half the subscriptions carry filters: a mix of every kind, as communities would set them.
        func filters(_ n: Int, kind: TargetKind) -> SubscriptionFilters {
            var f = SubscriptionFilters()
            switch n % 6 {
            case 0: f.virtualOrganization = organisation(n % 100) + (n % 2 == 0 ? "*" : "")
            case 1: f.destination = [airports[n % airports.count], airports[(n * 7) % airports.count]]
            case 2: f.origin = [airports[(n * 3) % airports.count]]
            case 3: f.aircraft = [String(aircraft[n % aircraft.count].split(separator: " ").last!)]
            case 4: f.landing = .init(maxVerticalSpeed: -Double(200 + n % 600))
            default: f.landing = .init(minGroundSpeed: 100)
            }
            if kind == .airport { f.direction = n % 2 == 0 ? .departures : .arrivals }
            return f
        }
        // The mix: flights 40 %, exact callsigns 30 %, airline prefixes 2 %, VA suffixes 1 %,
        // pilots 17 %, airports 10 %, and ten whole-server subscriptions (an operator's own).
        // Subscription i comes from its own seed, so the unfiltered twin is built alike later.
        func subscription(_ i: Int, withFilters: Bool) -> Subscription {
            var r = SplitMix64(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
            let pick = Int.random(in: 0..<1000, using: &r)
            let n = Int.random(in: 0..<flightPool, using: &r)
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
            return Subscription(
                id: "sub_\(String(i, radix: 32))", ownerKeyId: "admin", target: target, server: nil,
                events: events, filters: withFilters && i % 2 == 1 ? filters(n, kind: target.kind) : .init(),
                notifyEndpoint: "https://hooks.example.com/\(i)", createdAt: created)
        }
        let build = clock.measure {
            for i in 0..<count { matcher.insert(subscription(i, withFilters: true)) }
        }
        filtered = count / 2
        let rssAfter = ProcessMeter.residentBytes()
        for i in 0..<count { plain.insert(subscription(i, withFilters: false)) }
        let server = ServerRef(id: "expert", name: "Expert Server")
        var batch: [FlightEvent] = []
        for i in 0..<eventCount {
            let n = Int.random(in: 0..<flightPool, using: &rng)
            batch.append(FlightEvent(
                id: "evt_\(i)", type: i % 2 == 0 ? .takeoff : .landing, at: created.addingTimeInterval(60),
                server: server, flightId: flightId(n), userId: "user-\(n)", callsign: callsign(n),
                virtualOrganization: n % 5 == 0 ? organisation(n / 5 % 100) : nil,
                airport: airports[(n / 7) % airports.count], data: [
                    "origin": .string(airports[(n * 3) % airports.count]), "destination": .string(airports[(n / 7) % airports.count]),
                    "aircraftName": .string(aircraft[n % aircraft.count]),
                    "touchdownRate": .number(-Double(n % 900)), "groundSpeed": .number(Double(120 + n % 40)),
                ]))
        }
        // Alternating, so both matchers see the same machine.
        var times: [Double] = [], plainTimes: [Double] = []
        var matches = 0, plainMatches = 0
        for _ in 0..<runs {
            var produced = 0
            var d = clock.measure { produced = matcher.match(batch).reduce(0) { $0 + $1.count } }
            matches = produced
            times.append(d.timeInterval)
            d = clock.measure { produced = plain.match(batch).reduce(0) { $0 + $1.count } }
            plainMatches = produced
            plainTimes.append(d.timeInterval)
        }
        return Result(
            subscriptions: matcher.count, events: eventCount, buildSeconds: build.timeInterval,
            medianBatchSeconds: Summary(times)?.p50 ?? 0, p99BatchSeconds: Summary(times)?.p99 ?? 0,
            matchesPerBatch: matches,
            unfilteredMedianBatchSeconds: Summary.median(plainTimes), unfilteredMatchesPerBatch: plainMatches, filtered: filtered,
            residentGrowthBytes: rssBefore.flatMap { b in rssAfter.map { $0 - b } },
            residentTotalBytes: rssAfter)
    }
}
