import SquawkTesting
import Foundation
import NIOConcurrencyHelpers
import SquawkCore
import SquawkSimulator
@testable import SquawkServer
import SquawkSQLite
import SquawkStore
import Testing

/// An in-memory ``LeaderElection`` with the PostgreSQL backend's rule (take when free, held by the
/// asker, or expired), and a switch to make the store unreachable.
final class MemoryElection: LeaderElection {
    struct Row { var holder: String; var until: Date }
    let rows = NIOLockedValueBox([String: Row]())
    let unreachable = NIOLockedValueBox(false)
    struct Down: Error {}

    func acquireLeadership(_ name: String, holder: String, now: Date, lease: Duration) async throws -> Bool {
        if unreachable.withLockedValue({ $0 }) { throw Down() }
        return rows.withLockedValue { rows in
            if let row = rows[name], row.holder != holder, row.until > now { return false }
            rows[name] = Row(holder: holder, until: now.addingTimeInterval(lease.timeInterval))
            return true
        }
    }

    func releaseLeadership(_ name: String, holder: String) async throws {
        rows.withLockedValue { rows in if rows[name]?.holder == holder { rows[name] = nil } }
    }

    func holder(_ name: String) -> String? { rows.withLockedValue { $0[name]?.holder } }
}

@Suite("Poller leadership: one poller for the cluster")
struct PollerLeadershipTests {
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)

    /// What the pollers of a cluster share: a store holding one whole-server subscription, an
    /// election, and a clock at the simulated world's start.
    static func cluster() async throws -> (SQLiteStore, MemoryElection, TestClock) {
        let store = try SQLiteStore.temporary()
        let sub = PollerTests.subscription(1, SubscriptionTarget(kind: .server, id: "Expert Server"))
        _ = try await store.create(sub, secret: SigningSecret(secret: "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=", createdAt: sub.createdAt), idempotency: nil)
        return (store, MemoryElection(), TestClock(PollerTests.start))
    }

    @Test("the lease value: gained, renewed, lost; a store that cannot be reached ends leadership at the margin, before anyone may take over")
    func leaseStateMachine() {
        var lease = LeaderLease()
        let l: Duration = .seconds(15), r: Duration = .seconds(5)
        #expect(lease.contactDue(at: Self.t0))
        #expect(lease.record(acquired: true, at: Self.t0, lease: l, renewEvery: r) == .gained)
        #expect(lease.isLeader(at: Self.t0.addingTimeInterval(9.9)))
        #expect(!lease.contactDue(at: Self.t0.addingTimeInterval(4.9)))
        #expect(lease.record(acquired: true, at: Self.t0.addingTimeInterval(5), lease: l, renewEvery: r) == .unchanged)
        #expect(lease.recordFailure(at: Self.t0.addingTimeInterval(10), renewEvery: r) == .unchanged)
        // Last renewal at 5 s: polling stops at 15 s, when the store's lease (until 20 s) still keeps others out.
        #expect(lease.isLeader(at: Self.t0.addingTimeInterval(14.9)))
        #expect(!lease.isLeader(at: Self.t0.addingTimeInterval(15)))
        // Back after an interruption: a new term, with a handover.
        #expect(lease.record(acquired: true, at: Self.t0.addingTimeInterval(20), lease: l, renewEvery: r) == .gained)
        #expect(lease.record(acquired: false, at: Self.t0.addingTimeInterval(25), lease: l, renewEvery: r) == .lost)
        #expect(!lease.isLeader(at: Self.t0.addingTimeInterval(25)))
    }

    @Test("two pollers on one store: only the leader asks the upstream; when it stops, the other takes over within lease + renewal with the diff state it saved")
    func handover() async throws {
        let (store, election, clock) = try await Self.cluster()
        func instance(_ name: String) -> (Poller, WorldUpstream) {
            let upstream = WorldUpstream(WorldConfiguration(seed: 11, flightsPerServer: 40), clock: { clock.now() })
            let live = LiveSubscriptions()
            let poller = Poller(upstream: upstream, pipeline: EventPipeline(deliveries: store, subscriptions: store, live: live),
                                live: live, stateStore: store, now: { clock.now() },
                                leadership: PollerLeadership(election: election, holder: name))
            return (poller, upstream)
        }
        let (a, upA) = instance("a"), (b, upB) = instance("b")
        let leadership = PollerLeadership(election: election)

        // Both start; a asks first and leads. b only asks for the lease.
        func tick(_ poller: Poller) async {
            let (leading, _) = await poller.keepLeadership(poller.leadership!, now: clock.now())
            if leading { await poller.step(now: clock.now()) }
        }
        for _ in 0..<240 {   // 2 minutes in 0.5 s steps
            await tick(a)
            await tick(b)
            clock.set(clock.now().addingTimeInterval(0.5))
        }
        #expect(election.holder(leadership.name) == "a")
        #expect(upA.requests.count > 3)
        #expect(upB.requests.isEmpty)
        #expect(a.live.count == 1, "the leader loaded the subscriptions from the store")
        let tracked = a.trackedFlights
        #expect(tracked > 0)

        // a dies (stops renewing). b takes over within lease + renewal, with a's diff state.
        let died = clock.now()
        var tookOver: Date?
        while clock.now() < died.addingTimeInterval(60) {
            await tick(b)
            if tookOver == nil, !upB.requests.isEmpty { tookOver = clock.now() }
            clock.set(clock.now().addingTimeInterval(0.5))
        }
        let gap = try #require(tookOver).timeIntervalSince(died)
        #expect(gap <= 20.5, "took over \(gap) s after the leader's last renewal")
        #expect(election.holder(leadership.name) == "b")
        #expect(b.trackedFlights > 0)
        #expect(b.live.count == 1)
    }

    @Test("the budget holds across a handover: the new leader counts what the old one spent this minute")
    func budgetAcrossHandover() async throws {
        // Every server and its ATC wanted: far more than 5 requests a minute, so the budget binds.
        let (store, election, clock) = try await Self.cluster()
        let log = NIOLockedValueBox<[Date]>([])
        func instance(_ name: String) -> (Poller, WorldUpstream) {
            let upstream = WorldUpstream(WorldConfiguration(seed: 11, flightsPerServer: 20), clock: { clock.now() })
            var config = PollerConfiguration()
            config.requestsPerMinute = 5
            config.budgetShare = 1  // the handover is under test here, not the headroom
            let live = LiveSubscriptions()
            let poller = Poller(upstream: upstream, pipeline: EventPipeline(deliveries: store, subscriptions: store, live: live),
                                live: live, stateStore: store, configuration: config, now: { clock.now() },
                                leadership: PollerLeadership(election: election, holder: name))
            return (poller, upstream)
        }
        let (a, upA) = instance("a"), (b, upB) = instance("b")
        func tick(_ poller: Poller) async {
            if await poller.keepLeadership(poller.leadership!, now: clock.now()).leading { await poller.step(now: clock.now()) }
        }
        while clock.now() < PollerTests.start.addingTimeInterval(180) {
            await tick(a)
            await tick(b)
            clock.set(clock.now().addingTimeInterval(0.5))
        }
        // a dies right after a request, in the middle of a busy minute; b takes over and
        // carries on for three minutes.
        let before = upA.requests.count
        while upA.requests.count == before {
            await tick(a)
            await tick(b)
            clock.set(clock.now().addingTimeInterval(0.5))
        }
        let died = clock.now()
        while clock.now() < died.addingTimeInterval(180) {
            await tick(b)
            clock.set(clock.now().addingTimeInterval(0.5))
        }
        log.withLockedValue { $0 = (upA.requests + upB.requests).map(\.at) }
        #expect(!upB.requests.isEmpty, "b polled after the handover")
        #expect(upA.requests.filter { died.timeIntervalSince($0.at) < 60 }.count >= 4, "a had spent most of its last minute")
        let worst = PollerTests.maxPerMinute(log.withLockedValue { $0 })
        #expect(worst <= 5, "at most 5 requests in any minute across both leaders, saw \(worst)")
    }

    @Test("a leader that cannot reach the store stops polling before its lease could pass to another instance")
    func unreachableStore() async throws {
        let store = try SQLiteStore.temporary()
        let election = MemoryElection()
        let clock = TestClock(PollerTests.start)
        let upstream = WorldUpstream(WorldConfiguration(seed: 11, flightsPerServer: 10), clock: { clock.now() })
        let live = LiveSubscriptions()
        let poller = Poller(upstream: upstream, pipeline: EventPipeline(deliveries: store, subscriptions: store, live: live),
                            live: live, stateStore: store, now: { clock.now() }, leadership: PollerLeadership(election: election, holder: "a"))
        #expect(await poller.keepLeadership(poller.leadership!, now: clock.now()).leading)
        election.unreachable.withLockedValue { $0 = true }
        var lastLeading = clock.now()
        for _ in 0..<60 {
            clock.set(clock.now().addingTimeInterval(0.5))
            if await poller.keepLeadership(poller.leadership!, now: clock.now()).leading { lastLeading = clock.now() }
        }
        // Renewed at t0; the store would hand the lease on at t0 + 15 s.
        #expect(lastLeading < PollerTests.start.addingTimeInterval(15))
    }
}

/// An upstream whose flights requests wait until the test lets them through: a step held up for
/// as long as the test likes (a slow upstream, a busy machine).
final class GatedUpstream: PollingUpstream {
    let base: WorldUpstream
    let entered = NIOLockedValueBox(false)
    let open = NIOLockedValueBox(false)
    init(_ base: WorldUpstream) { self.base = base }
    func servers() async throws -> [ServerRef] { try await base.servers() }
    func flightSamples(server: String) async throws -> [FlightSample] {
        entered.withLockedValue { $0 = true }
        while !open.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        return try await base.flightSamples(server: server)
    }
    func frequencies(server: String) async throws -> [ATCFrequency] { try await base.frequencies(server: server) }
    func planSummary(server: String, flight: String) async throws -> FlightPlanSummary? { try await base.planSummary(server: server, flight: flight) }
    func atisText(server: String, airport: String) async throws -> String? { try await base.atisText(server: server, airport: airport) }
    func aircraftNames() async throws -> AircraftNames { try await base.aircraftNames() }
}

/// A delivery store that checks a commit's fence against a ``MemoryElection``, as the
/// PostgreSQL backend checks it against its lease rows.
final class FencedOutbox: DeliveryStoreDecorator, Sendable {
    let base: any DeliveryStore
    let election: MemoryElection
    let refused = NIOLockedValueBox(0)
    init(_ base: any DeliveryStore, election: MemoryElection) {
        self.base = base
        self.election = election
    }
    func enqueue(_ events: [(event: FlightEvent, subscriptionIds: [String])], now: Date, commit: PollCommit?) async throws -> Int {
        if let fence = commit?.fence {
            let held = election.rows.withLockedValue { $0[fence.name].map { $0.holder == fence.holder && $0.until > fence.at } ?? false }
            if !held {
                refused.withLockedValue { $0 += 1 }
                throw StoreError(.notLeader, "fenced")
            }
        }
        return try await base.enqueue(events, now: now, commit: commit)
    }
}

extension PollerLeadershipTests {
    @Test("while the heartbeat's contact is under way, the loop is told to come back later, never now (it would spin and starve that contact)")
    func skippedContactWaits() async throws {
        let election = GatedElection()
        let leadership = PollerLeadership(election: election, holder: "a", lease: .seconds(15), renewEvery: .seconds(5))
        let gate = LeadershipGate(leadership, logger: .init(label: "test"))
        let t = Self.t0
        // Win the lease, then let the heartbeat's renewal hang in the store.
        election.open()
        #expect(await gate.keep(now: t, takeOver: { _ in }, refresh: { _ in }).leading)
        election.close()
        let renewal = Task { await gate.heartbeat(now: { t.addingTimeInterval(5) }) }
        let deadline = ContinuousClock.now + .seconds(30)
        while !gate.isContacting, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(gate.isContacting)

        // The loop's contact is due too, but skipped: it must be asked to wait, leading or not.
        let (leading, next) = await gate.keep(now: t.addingTimeInterval(5), takeOver: { _ in }, refresh: { _ in })
        #expect(leading)
        #expect(next > t.addingTimeInterval(5))
        let (notLeading, nextAfterLapse) = await gate.keep(now: t.addingTimeInterval(11), takeOver: { _ in }, refresh: { _ in })
        #expect(!notLeading)
        #expect(nextAfterLapse > t.addingTimeInterval(11))
        renewal.cancel()
        election.open()
        _ = await renewal.value
    }

    @Test("the lease is renewed during a step longer than the lease: no other instance can take over a leader that is merely slow")
    func heartbeatDuringLongStep() async throws {
        let (store, election, clock) = try await Self.cluster()
        let upstream = GatedUpstream(WorldUpstream(WorldConfiguration(seed: 11, flightsPerServer: 10), clock: { clock.now() }))
        let live = LiveSubscriptions()
        // The defaults: a 15 s lease renewed every 5 s, on the test's clock.
        let poller = Poller(upstream: upstream, pipeline: EventPipeline(deliveries: store, subscriptions: store, live: live),
                            live: live, stateStore: store, now: { clock.now() }, leadership: PollerLeadership(election: election, holder: "a"))
        let running = Task { try await poller.run() }
        defer { running.cancel() }
        func until() -> Date? { election.rows.withLockedValue { $0["poller/liveapi"]?.until } }
        try await CrashRecoveryTests.wait("a leading and stuck in its flights request", seconds: 30) {
            election.holder("poller/liveapi") == "a" && upstream.entered.withLockedValue { $0 }
        }
        // One minute passes on the step's clock while the step is stuck. Each renewal period the
        // lease is renewed from the new time, so another instance asking finds it held.
        for _ in 0..<12 {
            clock.set(clock.now().addingTimeInterval(5))
            let now = clock.now()
            try await CrashRecoveryTests.wait("the lease renewed at \(now)", seconds: 30) { until() == now.addingTimeInterval(15) }
            #expect(try await election.acquireLeadership("poller/liveapi", holder: "b", now: now.addingTimeInterval(14.9), lease: .seconds(15)) == false)
        }
        #expect(election.holder("poller/liveapi") == "a")
        #expect(poller.gate?.isLeader(at: clock.now()) == true)
        // The step ends and commits under the lease it still holds.
        upstream.open.withLockedValue { $0 = true }
        try await CrashRecoveryTests.waitAsync("the snapshot committed", seconds: 30) {
            try await store.loadPollerStates().keys.contains { $0.hasPrefix("diff/") }
        }
    }

    @Test("a leader whose lease passed to another instance mid-step writes nothing (the store fences the commit), keeps its state and stops polling")
    func fencedLeaderStepsDown() async throws {
        let (store, election, clock) = try await Self.cluster()
        let upstream = WorldUpstream(WorldConfiguration(seed: 11, flightsPerServer: 40), clock: { clock.now() })
        let outbox = FencedOutbox(store, election: election)
        let live = LiveSubscriptions()
        let poller = Poller(upstream: upstream, pipeline: EventPipeline(deliveries: outbox, subscriptions: store, live: live),
                            live: live, stateStore: store, now: { clock.now() }, leadership: PollerLeadership(election: election, holder: "a"))
        // a leads and polls for a while: events and state are committed under its lease.
        for _ in 0..<120 {
            if await poller.keepLeadership(poller.leadership!, now: clock.now()).leading { await poller.step(now: clock.now()) }
            clock.set(clock.now().addingTimeInterval(0.5))
        }
        let events = try await store.queueStats(now: clock.now()).pending
        let saved = try await store.loadPollerStates()
        #expect(events > 0)
        #expect(outbox.refused.withLockedValue { $0 } == 0)

        // b takes the lease over (a stalled past it, say) while a still believes it leads.
        election.rows.withLockedValue { $0["poller/liveapi"] = .init(holder: "b", until: clock.now().addingTimeInterval(15)) }
        var refusedAt: Date?
        for _ in 0..<60 where refusedAt == nil {
            await poller.step(now: clock.now())
            if outbox.refused.withLockedValue({ $0 }) > 0 { refusedAt = clock.now() }
            clock.set(clock.now().addingTimeInterval(0.5))
        }
        #expect(refusedAt != nil, "a's next snapshot commit was refused")
        #expect(try await store.queueStats(now: clock.now()).pending == events, "nothing was written")
        #expect(try await store.loadPollerStates().filter { $0.key.hasPrefix("diff/") } == saved.filter { $0.key.hasPrefix("diff/") })
        #expect(poller.gate?.isLeader(at: clock.now()) == false, "a stopped polling at once")
        let before = upstream.requests.count
        for _ in 0..<20 {
            if await poller.keepLeadership(poller.leadership!, now: clock.now()).leading { await poller.step(now: clock.now()) }
            clock.set(clock.now().addingTimeInterval(0.5))
        }
        #expect(upstream.requests.count == before, "and did not poll again while b holds the lease")
    }
}

/// A ``MemoryElection`` whose answers can be held back: while closed, every call waits until
/// ``open()``.
final class GatedElection: LeaderElection {
    let base = MemoryElection()
    private let gate = NIOLockedValueBox((isOpen: true, waiting: [CheckedContinuation<Void, Never>]()))

    func open() {
        let waiting = gate.withLockedValue { g in
            g.isOpen = true
            defer { g.waiting = [] }
            return g.waiting
        }
        for w in waiting { w.resume() }
    }

    func close() { gate.withLockedValue { $0.isOpen = false } }

    private func pass() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = gate.withLockedValue { g -> Bool in
                if g.isOpen { return true }
                g.waiting.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    func acquireLeadership(_ name: String, holder: String, now: Date, lease: Duration) async throws -> Bool {
        await pass()
        return try await base.acquireLeadership(name, holder: holder, now: now, lease: lease)
    }

    func releaseLeadership(_ name: String, holder: String) async throws {
        try await base.releaseLeadership(name, holder: holder)
    }
}
