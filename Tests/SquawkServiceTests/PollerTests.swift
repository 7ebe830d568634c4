import SquawkTesting
import Foundation
import NIOConcurrencyHelpers
import SquawkCore
import SquawkServer
import SquawkSimulator
import SquawkSQLite
import SquawkStore
import Testing

/// An upstream over an in-process simulated world (no HTTP) that logs every request it answers,
/// and can be told to answer 429 for a while. `@unchecked`: `World` is not Sendable; every use
/// of it goes through the lock.
final class WorldUpstream: PollingUpstream, @unchecked Sendable {
    struct Log {
        var requests: [(at: Date, what: String)] = []; var limitedUntil: Date?; var retryAfter: Duration?
        /// Enforce the Live API's own limit: more than this many requests in a 60 s window is a 429.
        var enforce: Int?
        var rateLimited = 0
        /// `sessions` fails (a connection error) until then.
        var sessionsDownUntil: Date?
    }
    struct Down: Error {}
    let world: NIOLockedValueBox<World>
    let log = NIOLockedValueBox(Log())
    let clock: @Sendable () -> Date

    init(_ configuration: WorldConfiguration, clock: @escaping @Sendable () -> Date) {
        world = NIOLockedValueBox(World(configuration))
        self.clock = clock
    }

    private func note(_ what: String) throws {
        let now = clock()
        let limited = log.withLockedValue { l -> Duration?? in
            l.requests.append((now, what))
            if let until = l.limitedUntil, now < until { return .some(l.retryAfter) }
            if let limit = l.enforce, l.requests.filter({ now.timeIntervalSince($0.at) < 60 }).count > limit {
                l.rateLimited += 1
                return .some(.seconds(30))
            }
            return nil
        }
        if let retryAfter = limited { throw UpstreamRateLimited(retryAfter: retryAfter) }
        if what == "sessions", let down = log.withLockedValue({ $0.sessionsDownUntil }), now < down { throw Down() }
    }

    private func snapshot(_ server: String) -> Snapshot {
        let now = clock()
        return world.withLockedValue { w in
            w.advance(to: now)
            let ref = w.serverRefs.first { $0.id == server } ?? ServerRef(id: server, name: server)
            return w.snapshot(server: ref)
        }
    }

    func servers() async throws -> [ServerRef] { try note("sessions"); return world.withLockedValue { $0.serverRefs } }
    func flightSamples(server: String) async throws -> [FlightSample] { try note("flights/\(server)"); return snapshot(server).flights }
    func frequencies(server: String) async throws -> [ATCFrequency] { try note("atc/\(server)"); return snapshot(server).atc ?? [] }
    func planSummary(server: String, flight: String) async throws -> FlightPlanSummary? {
        try note("plan/\(server)/\(flight)"); return snapshot(server).flightPlans[flight]
    }
    func atisText(server: String, airport: String) async throws -> String? {
        try note("atis/\(server)/\(airport)"); return snapshot(server).atis[airport] ?? nil
    }

    func aircraftNames() async throws -> AircraftNames {
        try note("aircraft/liveries")
        return AircraftNames(liveries: World.liveries.map { ($0.id, $0.aircraftID, $0.aircraftName, $0.liveryName) })
    }

    var requests: [(at: Date, what: String)] { log.withLockedValue { $0.requests } }
}

@Suite("Poller: budget, needs, events, restarts")
struct PollerTests {
    static let start = WorldConfiguration.defaultStart

    struct Harness {
        let store: SQLiteStore
        let clock: TestClock
        let upstream: WorldUpstream
        let live: LiveSubscriptions
        let poller: Poller

        init(store: SQLiteStore? = nil, flights: Int = 60, limit: Int = 30, subscriptions: [Subscription]) async throws {
            let store = try store ?? SQLiteStore.temporary()
            let clock = TestClock(PollerTests.start)
            self.clock = clock
            self.store = store
            upstream = WorldUpstream(WorldConfiguration(seed: 11, flightsPerServer: flights), clock: { clock.now() })
            for s in subscriptions where try await store.get(id: s.id, owner: s.ownerKeyId) == nil {
                _ = try await store.create(s, secret: SigningSecret(secret: "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=", createdAt: s.createdAt), idempotency: nil)
            }
            live = LiveSubscriptions(try await store.allActive())
            var config = PollerConfiguration()
            config.requestsPerMinute = limit
            poller = Poller(upstream: upstream, pipeline: EventPipeline(deliveries: store, subscriptions: store, live: live),
                            live: live, stateStore: store, configuration: config, now: { clock.now() })
            try await poller.loadState()
        }

        /// Drives the poller on the simulated clock for `seconds`.
        func run(for seconds: Double) async {
            let end = clock.now().addingTimeInterval(seconds)
            while clock.now() < end {
                let wake = await poller.step(now: clock.now())
                clock.set(max(clock.now().addingTimeInterval(0.001), min(wake, end)))
            }
        }
    }

    static func subscription(_ n: Int, _ target: SubscriptionTarget, server: String? = nil,
                             events: Set<EventType> = Set(EventType.allCases).subtracting([.subscriptionTest])) -> Subscription {
        Subscription(id: "sub_poller_\(n)", ownerKeyId: "admin", target: target, server: server, events: events,
                     notifyEndpoint: "https://hooks.example.com/\(n)", createdAt: start)
    }

    /// Every window of 60 s starting at a request holds at most `limit` requests.
    static func maxPerMinute(_ times: [Date]) -> Int {
        let t = times.map(\.timeIntervalSince1970).sorted()
        var j = 0, worst = 0
        for i in t.indices {
            while j < t.count, t[j] < t[i] + 60 { j += 1 }
            worst = max(worst, j - i)
        }
        return worst
    }

    @Test("the budget holds whatever the subscriptions ask for", arguments: [5, 12, 30])
    func budgetHolds(limit: Int) async throws {
        // Every server watched, ATC and ATIS wanted, plans for every flight of two airlines.
        let subs = [
            Self.subscription(1, .init(kind: .server, id: "Expert Server")),
            Self.subscription(2, .init(kind: .airport, id: "KLAX")),
            Self.subscription(3, .init(kind: .airport, id: "EGLL")),
            Self.subscription(4, .init(kind: .callsign, id: "DAL*")),
            Self.subscription(5, .init(kind: .callsign, id: "BAW*")),
        ]
        let h = try await Harness(limit: limit, subscriptions: subs)
        await h.run(for: 20 * 60)
        let requests = h.upstream.requests
        #expect(requests.count > limit, "it polled")
        #expect(Self.maxPerMinute(requests.map(\.at)) <= limit)
        if limit >= 30 {
            // 3 servers × (flights + ATC) = 24/min fits in 30: flights run every 15 s, and the
            // plans of the watched flights share what is left without slowing them down.
            let flights = requests.filter { $0.what.hasPrefix("flights/") }
            #expect(flights.count >= 20 * 60 / 15 - 2)
        }
    }

    @Test("only servers that subscriptions need are polled")
    func idleServersNotPolled() async throws {
        let h = try await Harness(subscriptions: [Self.subscription(1, .init(kind: .callsign, id: "DAL40"), server: "Expert Server")])
        await h.run(for: 5 * 60)
        let expert = h.upstream.world.withLockedValue { $0.serverRefs.first { $0.name == "Expert Server" }!.id }
        let polled = Set(h.upstream.requests.compactMap { r -> String? in
            r.what.hasPrefix("flights/") ? String(r.what.dropFirst("flights/".count)) : nil
        })
        #expect(polled == [expert])
        // Nobody wants ATC events: no ATC requests.
        #expect(!h.upstream.requests.contains { $0.what.hasPrefix("atc/") })
    }

    @Test("with three servers polled, server subscriptions receive only their own server's events")
    func serverTargetsWithThreeServers() async throws {
        let ids = WorldUpstream(WorldConfiguration(seed: 11, flightsPerServer: 1), clock: { PollerTests.start })
            .world.withLockedValue { $0.serverRefs }
        #expect(ids.count == 3)
        let expert = try #require(ids.first { $0.name == "Expert Server" }), casual = try #require(ids.first { $0.name == "Casual Server" })
        let subs = [
            Self.subscription(1, .init(kind: .server, id: "expert server"), events: [.takeoff, .landing, .flightOnline, .flightOffline]),
            Self.subscription(2, .init(kind: .server, id: casual.id), events: [.takeoff, .landing, .flightOnline, .flightOffline]),
            // Makes every server polled.
            Self.subscription(3, .init(kind: .callsign, id: "ZZZZ9"), events: [.takeoff]),
        ]
        let h = try await Harness(flights: 100, subscriptions: subs)
        await h.run(for: 15 * 60)
        let polled = Set(h.upstream.requests.compactMap { $0.what.hasPrefix("flights/") ? String($0.what.dropFirst(8)) : nil })
        #expect(polled.count == 3, "all three servers were polled")
        let claimed = try await h.store.claim(limit: 100_000, now: h.clock.now().addingTimeInterval(1), lease: .seconds(60))
        let bySubscription = Dictionary(grouping: claimed, by: { $0.subscription.id })
        let toExpert = bySubscription[subs[0].id] ?? [], toCasual = bySubscription[subs[1].id] ?? []
        #expect(toExpert.count > 10 && toCasual.count > 10, "\(toExpert.count) and \(toCasual.count) deliveries")
        #expect(toExpert.allSatisfy { $0.event.server?.id == expert.id })
        #expect(toCasual.allSatisfy { $0.event.server?.id == casual.id })
        // The livery list, read once, names the aircraft of flight events.
        #expect(h.upstream.requests.filter { $0.what == "aircraft/liveries" }.count == 1)
        #expect(toExpert.allSatisfy { $0.event.data["aircraftName"]?.stringValue?.isEmpty == false })
    }

    @Test("no subscriptions: nothing but the sessions list")
    func idle() async throws {
        let h = try await Harness(subscriptions: [])
        await h.run(for: 30 * 60)
        #expect(h.upstream.requests.allSatisfy { $0.what == "sessions" })
        #expect(h.upstream.requests.count == 3)  // at 0, 600 and 1200 s
    }

    @Test("a 429 stops every request until Retry-After")
    func backoff() async throws {
        let h = try await Harness(subscriptions: [Self.subscription(1, .init(kind: .server, id: "Expert Server"))])
        await h.run(for: 60)
        let limitedAt = h.clock.now()
        // The next request (whichever it is, and however the budget spaces it) is refused.
        h.upstream.log.withLockedValue { $0.limitedUntil = limitedAt.addingTimeInterval(20); $0.retryAfter = .seconds(45) }
        await h.run(for: 120)
        let after = h.upstream.requests.filter { $0.at >= limitedAt }
        let first = try #require(after.first)
        let next = try #require(after.dropFirst().first)
        #expect(next.at.timeIntervalSince(first.at) >= 45, "\(after.prefix(4).map { "\($0.at.timeIntervalSince(limitedAt)) \($0.what)" })")
    }

    @Test("takeoffs and landings become deliveries; a restart re-emits nothing and loses no flight")
    func eventsAndRestart() async throws {
        let store = try SQLiteStore.temporary()
        let subs = [Self.subscription(1, .init(kind: .server, id: "Expert Server"), events: [.takeoff, .landing])]
        let first = try await Harness(store: store, flights: 150, subscriptions: subs)
        await first.run(for: 30 * 60)
        let stats1 = try await store.queueStats(now: first.clock.now())
        let enqueued1 = stats1.pending + stats1.inflight
        #expect(enqueued1 > 5, "an hour of 150 flights has takeoffs and landings")

        #expect(first.poller.trackedFlights > 0)

        // A new poller on the same store (a restart) starts from the saved diff state.
        let second = try await Harness(store: store, flights: 150, subscriptions: subs)
        #expect(second.poller.trackedFlights == first.poller.trackedFlights, "the diff state came back from the store")
        second.clock.set(first.clock.now().addingTimeInterval(15))
        // Same seed, same history: bring the second world to where the first one was.
        second.upstream.world.withLockedValue { $0.advance(to: first.clock.now()) }
        await second.run(for: 10 * 60)
        let page = try await store.deliveries(subscriptionId: subs[0].id, owner: "admin", status: nil, after: nil, limit: 1000)
        let eventIds = page.items.map(\.eventId)
        #expect(Set(eventIds).count == eventIds.count, "no event delivered twice")
        #expect(eventIds.count > enqueued1, "the second run kept detecting")
        // Against the world's truth for the whole 40 minutes (after the seeding snapshot).
        let expert = second.upstream.world.withLockedValue { $0.serverRefs.first { $0.name == "Expert Server" }!.id }
        let truth = second.upstream.world.withLockedValue { $0.truth(since: PollerTests.start.addingTimeInterval(30)) }
            .filter { ($0.type == .takeoff || $0.type == .landing) && $0.server == expert && $0.at <= second.clock.now().addingTimeInterval(-90) }
        #expect(Double(eventIds.count) >= 0.9 * Double(truth.count), "\(eventIds.count) delivered vs \(truth.count) in truth")
        #expect(eventIds.count <= truth.count + 10)
    }
}
