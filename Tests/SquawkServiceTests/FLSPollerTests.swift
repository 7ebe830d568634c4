import Foundation
import NIOConcurrencyHelpers
import SquawkCore
import SquawkFLS
import SquawkHTTP
@testable import SquawkServer
import SquawkSimulator
import SquawkSQLite
import SquawkStore
import SquawkTesting
import Testing

/// The FLS poller on a simulated clock against a club day: what reaches the outbox, the budget,
/// restarts, pauses in watching, refused credentials.
@Suite("FLS poller")
struct FLSPollerTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// An FLS server over a ``ClubDay`` as a fake transport (no HTTP; the HTTP face is tested in
    /// ClubDayTests and end to end): logs the time of every request.
    final class FakeFLS: Sendable {
        let day: ClubDay
        let clock: TestClock
        let log = NIOLockedValueBox<[(at: Date, path: String)]>([])
        let referencesOnly: Bool
        let refuseLogin: Bool

        init(_ day: ClubDay, clock: TestClock, referencesOnly: Bool = false, refuseLogin: Bool = false) {
            self.day = day
            self.clock = clock
            self.referencesOnly = referencesOnly
            self.refuseLogin = refuseLogin
        }

        var requests: [(at: Date, path: String)] { log.withLockedValue { $0 } }

        func handle(_ r: HTTPRequest) throws -> HTTPResponse {
            let now = clock.now()
            let path = String(r.url.dropFirst("https://fls.test".count))
            log.withLockedValue { $0.append((now, path)) }
            let encoder = JSONEncoder()
            if path == "/Token" {
                return refuseLogin ? HTTPResponse(status: 400, body: Array(#"{"error":"invalid_grant"}"#.utf8))
                    : HTTPResponse(status: 200, body: Array(#"{"access_token":"t","expires_in":86400}"#.utf8))
            }
            if path.hasPrefix("/api/v1/flights/exchange/modified/") {
                let since = try #require(FLSDateTime.parse(String(path.dropFirst("/api/v1/flights/exchange/modified/".count))))
                var flights = day.modified(since: since, asOf: now)
                if referencesOnly { flights = flights.map { FLSFlightDetails(flightId: $0.flightId) } }
                return HTTPResponse(status: 200, body: Array(try encoder.encode(flights)))
            }
            let id = String(path.dropFirst("/api/v1/flights/".count))
            guard let flight = day.flight(id: id, asOf: now) else { return HTTPResponse(status: 404) }
            return HTTPResponse(status: 200, body: Array(try encoder.encode(flight)))
        }
    }

    struct Harness {
        let store: SQLiteStore
        let clock: TestClock
        let fls: FakeFLS
        let live: LiveSubscriptions
        let poller: FLSPoller
        static let subscription = Subscription(id: "sub_fls_club", ownerKeyId: "admin", target: .init(kind: .flsClub, id: "club"),
                                               events: EventType.fls, notifyEndpoint: "https://hooks.example.com/fls", createdAt: t0)

        init(store: SQLiteStore? = nil, clock: TestClock? = nil, fls: FakeFLS? = nil, day: ClubDay = FLSPollerTests.day,
             interval: Double = 60, requestsPerMinute: Int = 12, subscribed: Bool = true) async throws {
            let store = try store ?? SQLiteStore.temporary()
            let clock = clock ?? TestClock(FLSPollerTests.t0)
            let fls = fls ?? FakeFLS(day, clock: clock)
            if subscribed, try await store.get(id: Self.subscription.id, owner: "admin") == nil {
                _ = try await store.create(Self.subscription, secret: SigningSecret(secret: "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=", createdAt: t0), idempotency: nil)
            }
            live = LiveSubscriptions(try await store.allActive())
            var config = FLSPollerConfiguration()
            config.interval = interval
            config.requestsPerMinute = requestsPerMinute
            let client = FLSClient(baseURL: "https://fls.test", username: "club", password: "pw",
                                   transport: FakeTransport { r in try fls.handle(r) }, now: { clock.now() })
            poller = FLSPoller(instances: [FLSInstance(name: "club", client: client)],
                               pipeline: EventPipeline(deliveries: store, subscriptions: store, live: live), live: live,
                               stateStore: store, configuration: config, now: { clock.now() })
            try await poller.loadState()
            self.store = store
            self.clock = clock
            self.fls = fls
        }

        /// Drives the poller on the simulated clock until `end`.
        func run(until end: Date) async {
            while clock.now() < end {
                let wake = await poller.step(now: clock.now())
                clock.set(max(clock.now().addingTimeInterval(0.001), min(wake, end)))
            }
        }

        /// Every event in the outbox for the subscription, oldest first (claimed and acknowledged).
        func drain() async throws -> [FlightEvent] {
            var out: [FlightEvent] = []
            let later = clock.now().addingTimeInterval(86_400 * 30)
            while true {
                let batch = try await store.claim(limit: 500, now: later, lease: .seconds(60))
                if batch.isEmpty { return out.sorted { $0.at < $1.at } }
                out += batch.map(\.event)
                try await store.complete(batch.map {
                    DeliveryCompletion(attempt: DeliveryAttempt(deliveryId: $0.delivery.id, attempt: 1, at: later, statusCode: 204,
                                                                latencyMs: 1, responseSnippet: nil, error: nil), next: .delivered)
                })
            }
        }
    }

    static let day = ClubDay(ClubDayConfiguration(seed: 3, start: t0, flights: 30, firstLaunchAfter: 600))
    static let end = t0.addingTimeInterval(10 * 3_600)

    static func score(_ events: [FlightEvent], truthSince: Date = .distantPast, until: Date = end) -> FLSScore {
        FLSScore(truth: day.truth(since: truthSince, asOf: until), detected: events.map(\.flsKey))
    }

    @Test("a club day through the poller: every truth event reaches the outbox once")
    func clubDay() async throws {
        let h = try await Harness()
        await h.run(until: Self.end)
        let events = try await h.drain()
        let score = Self.score(events)
        print("FLS poller, club day of 30 flights polled every 60 s:\n\(score)")
        for (type, line) in score.lines { #expect(line.precision == 1 && line.recall == 1, "\(type)") }
        #expect(Set(events.map(\.id)).count == events.count, "no event twice")
        #expect(PollerTests.maxPerMinute(h.fls.requests.map(\.at)) <= 12)
        #expect(events.allSatisfy { $0.server?.id == "fls:club" && $0.data["instance"] == "club" })
        let status = try #require(h.poller.status(now: h.clock.now()).first)
        #expect(status.name == "club" && status.polled && status.lastError == nil && status.legsTracked > 40)
        #expect(status.budgetUsedLastMinute <= status.budgetPerMinute)
    }

    @Test("a feed of references only: records are fetched one by one inside the budget, and still nothing is missed")
    func referencesWithinBudget() async throws {
        let clock = TestClock(Self.t0)
        let fls = FakeFLS(Self.day, clock: clock, referencesOnly: true)
        let h = try await Harness(clock: clock, fls: fls, interval: 30, requestsPerMinute: 8)
        await h.run(until: Self.end)
        let requests = fls.requests
        #expect(PollerTests.maxPerMinute(requests.map(\.at)) <= 8)
        #expect(requests.contains { $0.path.hasPrefix("/api/v1/flights/") && !$0.path.contains("exchange") })
        let takeoffs = Self.score(try await h.drain()).lines["fls.takeoff"]
        #expect(takeoffs?.recall == 1 && takeoffs?.precision == 1)
    }

    @Test("a restart continues from the saved cursor: an outage of Squawk loses nothing and repeats nothing")
    func restart() async throws {
        let store = try SQLiteStore.temporary()
        let clock = TestClock(Self.t0)
        let first = try await Harness(store: store, clock: clock)
        await first.run(until: Self.t0.addingTimeInterval(4 * 3_600))
        // Down for 40 minutes, then a new process on the same database.
        clock.set(Self.t0.addingTimeInterval(4 * 3_600 + 2_400))
        let second = try await Harness(store: store, clock: clock)
        #expect(second.poller.diffState("club")?.legs.isEmpty == false, "the diff state came back from the store")
        await second.run(until: Self.end)
        let events = try await second.drain()
        #expect(Set(events.map(\.id)).count == events.count)
        let score = Self.score(events)
        print("FLS poller across a 40-minute outage:\n\(score)")
        // Facts a record keeps (start and landing times) all arrive; an intermediate state that
        // came and went while Squawk was down cannot be seen afterwards (FLS keeps no history).
        for (type, line) in score.lines { #expect(line.precision == 1, "\(type)") }
        #expect(score.lines["fls.takeoff"]?.recall == 1 && score.lines["fls.landing"]?.recall == 1)
    }

    @Test("after a pause in watching, what changed meanwhile is not replayed; later changes are")
    func pause() async throws {
        let h = try await Harness()
        // Launches run from 10 min to about 100 min after the start: pause in the middle of them.
        let pauseAt = Self.t0.addingTimeInterval(40 * 60), resumeAt = Self.t0.addingTimeInterval(90 * 60)
        await h.run(until: pauseAt)
        h.live.apply(.deleted(id: Harness.subscription.id))
        let before = h.fls.requests.count
        await h.run(until: resumeAt)
        #expect(h.fls.requests.count == before, "an instance nobody watches is not polled")
        h.live.apply(.upserted(Harness.subscription))
        await h.run(until: Self.end)
        let events = try await h.drain()
        let afterResume = events.filter { $0.at >= resumeAt }
        #expect(!afterResume.isEmpty)
        // Everything raised after the resume happened after it (one poll interval of slack).
        let score = FLSScore(truth: Self.day.truth(since: resumeAt, asOf: Self.end), detected: afterResume.map(\.flsKey))
        for (type, line) in score.lines { #expect(line.precision == 1, "\(type): nothing from the pause") }
        for type in ["fls.takeoff", "fls.landing"] {
            let line = try #require(score.lines[type])
            #expect(line.truth > 0 && line.recall == 1, "\(type): every one after the resume is reported")
        }
        let paused = Self.day.truth(since: pauseAt.addingTimeInterval(60), asOf: resumeAt).filter { $0.type == "fls.takeoff" }
        #expect(!paused.isEmpty, "takeoffs were logged during the pause")
        #expect(!events.contains { e in paused.contains { $0.flightId == e.flightId && $0.leg == e.data["leg"]?.stringValue && e.type == .flsTakeoff } },
                "and none of them was replayed")
    }

    @Test("several instances: one polls FLS (lease poller/fls); when it dies another takes over within 20 s from its saved state, losing and repeating nothing")
    func handover() async throws {
        let store = try SQLiteStore.temporary()
        let clock = TestClock(Self.t0)
        let fls = FakeFLS(Self.day, clock: clock)
        let election = MemoryElection()
        _ = try await store.create(Harness.subscription, secret: SigningSecret(secret: "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=", createdAt: Self.t0), idempotency: nil)
        /// One instance: its own client, subscriptions and poller, on the shared store and election.
        func instance(_ holder: String) async throws -> FLSPoller {
            let live = LiveSubscriptions(try await store.allActive())
            let client = FLSClient(baseURL: "https://fls.test", username: "club", password: "pw",
                                   transport: FakeTransport { r in try fls.handle(r) }, now: { clock.now() })
            return FLSPoller(instances: [FLSInstance(name: "club", client: client)],
                             pipeline: EventPipeline(deliveries: store, subscriptions: store, live: live), live: live,
                             stateStore: store, now: { clock.now() },
                             leadership: PollerLeadership(election: election, name: "poller/fls", holder: holder))
        }
        func tick(_ p: FLSPoller) async {
            if await p.gate!.keep(now: clock.now(), takeOver: p.takeOver, refresh: p.refreshSubscriptions).leading {
                _ = await p.step(now: clock.now())
            }
        }
        let a = try await instance("a"), b = try await instance("b")
        // Both run; only the lease holder polls.
        while clock.now() < Self.t0.addingTimeInterval(3 * 3_600) {
            await tick(a)
            await tick(b)
            clock.set(clock.now().addingTimeInterval(5))
        }
        #expect(election.holder("poller/fls") == "a")
        #expect(PollerTests.maxPerMinute(fls.requests.map(\.at)) <= 12, "one budget for the cluster")
        let before = fls.requests.count
        // a dies: b takes over and carries on.
        let died = clock.now()
        var tookOver: Date?
        while clock.now() < Self.end {
            await tick(b)
            if tookOver == nil, fls.requests.count > before { tookOver = clock.now() }
            clock.set(clock.now().addingTimeInterval(5))
        }
        let gap = try #require(tookOver).timeIntervalSince(died)
        #expect(gap <= 20, "FLS polling resumed \(gap) s after the leader died")
        #expect(election.holder("poller/fls") == "b")
        let shared = try await store.loadPollerStates()["budget/poller/fls/club"]
        #expect(shared != nil, "the leader records its FLS requests for the next one")
        let h = try await Harness(store: store, clock: clock, fls: fls)
        let events = try await h.drain()
        #expect(Set(events.map(\.id)).count == events.count, "nothing twice")
        let score = Self.score(events)
        for (type, line) in score.lines { #expect(line.precision == 1 && line.recall == 1, "\(type)") }
    }

    /// A delivery store whose enqueue fails while `failing` is set (a store outage).
    final class FlakyOutbox: DeliveryStoreDecorator, Sendable {
        let base: any DeliveryStore
        let failing = NIOLockedValueBox(false)
        let refused = NIOLockedValueBox(0)
        struct Down: Error {}
        init(_ base: SQLiteStore) { self.base = base }
        func enqueue(_ events: [(event: FlightEvent, subscriptionIds: [String])], now: Date, commit: PollCommit?) async throws -> Int {
            if failing.withLockedValue({ $0 }) { refused.withLockedValue { $0 += 1 }; throw Down() }
            return try await base.enqueue(events, now: now, commit: commit)
        }
    }

    @Test("the outbox failing for a while loses nothing: the window is read again once it is back")
    func outboxOutage() async throws {
        let store = try SQLiteStore.temporary()
        let clock = TestClock(Self.t0)
        let fls = FakeFLS(Self.day, clock: clock)
        _ = try await store.create(Harness.subscription, secret: SigningSecret(secret: "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=", createdAt: Self.t0), idempotency: nil)
        let outbox = FlakyOutbox(store)
        let live = LiveSubscriptions(try await store.allActive())
        let client = FLSClient(baseURL: "https://fls.test", username: "club", password: "pw",
                               transport: FakeTransport { r in try fls.handle(r) }, now: { clock.now() })
        let poller = FLSPoller(instances: [FLSInstance(name: "club", client: client)],
                               pipeline: EventPipeline(deliveries: outbox, subscriptions: store, live: live), live: live,
                               stateStore: store, now: { clock.now() })
        func run(until end: Date) async {
            while clock.now() < end { clock.set(max(clock.now().addingTimeInterval(0.001), min(await poller.step(now: clock.now()), end))) }
        }
        await run(until: Self.t0.addingTimeInterval(40 * 60))
        outbox.failing.withLockedValue { $0 = true }
        await run(until: Self.t0.addingTimeInterval(70 * 60))
        outbox.failing.withLockedValue { $0 = false }
        #expect(outbox.refused.withLockedValue { $0 } > 0, "polls failed during the outage")
        await run(until: Self.end)
        let h = try await Harness(store: store, clock: clock, fls: fls)
        let events = try await h.drain()
        #expect(Set(events.map(\.id)).count == events.count)
        let score = Self.score(events)
        print("FLS poller across a 30-minute outbox outage:\n\(score)")
        // As across a restart: start and landing times are all reported late rather than never;
        // a state that came and went during the outage cannot be seen afterwards.
        for (type, line) in score.lines { #expect(line.precision == 1, "\(type)") }
        #expect(score.lines["fls.takeoff"]?.recall == 1 && score.lines["fls.landing"]?.recall == 1)
    }

    @Test("refused credentials: a warning, and the next login attempt waits five minutes")
    func refusedLogin() async throws {
        let clock = TestClock(Self.t0)
        let fls = FakeFLS(Self.day, clock: clock, refuseLogin: true)
        let h = try await Harness(clock: clock, fls: fls, interval: 10, requestsPerMinute: 60)
        await h.run(until: Self.t0.addingTimeInterval(20 * 60))
        let logins = fls.requests.filter { $0.path == "/Token" }
        #expect(logins.count >= 4 && logins.count <= 5, "every 5 minutes, not every 10 s: \(logins.count)")
        #expect(try await h.drain().isEmpty)
        let status = try #require(h.poller.status(now: h.clock.now()).first)
        #expect(status.lastError?.contains("badCredentials") == true)
        #expect(status.lastError?.contains("pw") == false, "the password is not in the status")
    }

    /// An ``FLSUpstream`` that answers every feed with "nothing changed" and counts the calls.
    final class QuietUpstream: FLSUpstream, @unchecked Sendable {
        let calls = NIOLockedValueBox<[Date]>([])
        let clock: TestClock
        init(clock: TestClock) { self.clock = clock }
        var needsToken: Bool { false }
        func authenticateIfNeeded() async throws(FLSError) -> Bool { false }
        func modifiedFlights(since: Date) async throws(FLSError) -> (flights: [FLSFlightDetails], serverDate: Date?) {
            calls.withLockedValue { $0.append(clock.now()) }
            return ([], clock.now())
        }
        func flight(id: String) async throws(FLSError) -> FLSFlightDetails { throw FLSError(.notFound, path: "/api/v1/flights/{flightId}") }
    }

    @Test("the poller takes any FLSUpstream: a scripted quiet server is asked once per interval, and only while a subscription wants it")
    func scriptedUpstream() async throws {
        let store = try SQLiteStore.temporary()
        let clock = TestClock(Self.t0)
        let upstream = QuietUpstream(clock: clock)
        let live = LiveSubscriptions([Harness.subscription])
        var configuration = FLSPollerConfiguration()
        configuration.interval = 60
        let poller = FLSPoller(instances: [FLSInstance(name: "Club", client: upstream)],
                               pipeline: EventPipeline(deliveries: store, subscriptions: store, live: live), live: live,
                               stateStore: store, configuration: configuration, now: { clock.now() })
        func run(until end: Date) async {
            while clock.now() < end { clock.set(max(clock.now().addingTimeInterval(0.001), min(await poller.step(now: clock.now()), end))) }
        }
        await run(until: Self.t0.addingTimeInterval(10 * 60))
        let asked = upstream.calls.withLockedValue { $0 }
        #expect(asked.count >= 10 && asked.count <= 11, "\(asked.count) feed requests in 10 minutes at a 60 s interval")
        #expect(zip(asked, asked.dropFirst()).allSatisfy { $1.timeIntervalSince($0) >= 59.9 })
        live.apply(.deleted(id: Harness.subscription.id))
        await run(until: Self.t0.addingTimeInterval(20 * 60))
        #expect(upstream.calls.withLockedValue { $0.count } == asked.count, "no subscription wants the club: no request")
    }
}

