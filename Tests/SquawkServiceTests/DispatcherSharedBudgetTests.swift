import Foundation
import NIOConcurrencyHelpers
import SquawkCore
import SquawkHTTP
@testable import SquawkServer
import SquawkSQLite
import SquawkStore
import SquawkTesting
import Testing

/// Two dispatchers standing for two instances, on one manual clock, sending to one Discord
/// webhook: with a ``SharedSendLedger`` between them (the in-memory one; PostgreSQL's is tested
/// in SquawkPostgresTests) their sends together stay inside the webhook's budget.
///
/// Each instance has a backlog of its own for the webhook (a subscription to it in a store of
/// its own), so both have work from the first moment, whichever claims first.
@Suite("Dispatchers sharing a receiver budget")
struct DispatcherSharedBudgetTests {
    typealias H = DispatchHarness
    static let t0 = H.t0
    static let hook = "http://127.0.0.1:9/hooks/discord"

    /// One instance: its store, transport and dispatcher, on the shared clock.
    struct Instance {
        let store: SQLiteStore
        let transport: ScriptedTransport
        let dispatcher: Dispatcher
        let subscription: Subscription
    }

    /// Two instances on `clock`, each with a Discord subscription to ``hook`` and `events` events
    /// enqueued, sharing `ledger` (nil: each only its own limiter).
    static func instances(clock: TestClock, ledger: (any SharedSendLedger)?, events: [Int],
                          script: (Int) -> ScriptedTransport.Script = { _ in { _, _ in HTTPResponse(status: 204) } }) async throws -> [Instance] {
        var out: [Instance] = []
        for (i, count) in events.enumerated() {
            let store = try SQLiteStore.temporary()
            let transport = ScriptedTransport(script(i))
            transport.clock.withLockedValue { $0 = clock }
            var configuration = DispatcherConfiguration()
            configuration.retryPolicy = H.schedule
            configuration.idleWait = .milliseconds(1)
            let dispatcher = Dispatcher(store: store, transport: transport, endpointPolicy: H.loopback, configuration: configuration,
                                        clock: clock, random: .seeded(UInt64(i + 1)), sharedLedger: ledger)
            var request = SubscriptionRequest()
            request.target = SubscriptionTarget(kind: .callsign, id: "SQK*")
            request.notifyEndpoint = hook
            request.format = .discord
            let sub = try SubscriptionRules(endpointPolicy: H.loopback).newSubscription(request, id: "sub_shared_\(i)", owner: H.owner, now: t0)
            _ = try await store.create(sub, secret: SigningSecret(secret: H.secret, createdAt: t0), idempotency: nil)
            _ = try await store.enqueue(Self.events(i, count).map { ($0, [sub.id]) }, now: t0)
            out.append(Instance(store: store, transport: transport, dispatcher: dispatcher, subscription: sub))
        }
        return out
    }

    /// `count` events of instance `i`'s own flights.
    static func events(_ i: Int, _ count: Int, from first: Int = 1) -> [FlightEvent] {
        (first..<first + count).map { H.event(i * 1_000 + $0, flight: "F\(i)-\($0)") }
    }

    /// Runs both dispatchers' loops around `body`, then stops them as graceful shutdown does.
    static func running(_ instances: [Instance], _ body: () async throws -> Void) async throws {
        let stopping = instances.map { _ in NIOLockedValueBox(false) }
        let loops = zip(instances, stopping).map { instance, stop in Task { await instance.dispatcher.pipeline(stopping: stop) } }
        do { try await body() } catch {
            for loop in loops { loop.cancel() }
            throw error
        }
        for (instance, stop) in zip(instances, stopping) {
            stop.withLockedValue { $0 = true }
            instance.dispatcher.wake()
        }
        for loop in loops { await loop.value }
    }

    /// Events carried by the messages `transport` sent (Discord embeds).
    static func carried(_ transport: ScriptedTransport) -> Int {
        transport.requests.withLockedValue { requests in
            requests.reduce(0) { sum, r in
                guard case .object(let o)? = try? JSONValue.parse(r.body ?? []), case .array(let embeds)? = o["embeds"] else { return sum }
                return sum + embeds.count
            }
        }
    }

    /// Plays a backlog of 200 events per instance on the manual clock in steps of 250 ms until
    /// every event went out (or 500 s of clock passed); returns every send's time, both
    /// instances together, and how many each made.
    static func backlog(ledger: (any SharedSendLedger)?) async throws -> (sends: [Date], perInstance: [Int], instances: [Instance]) {
        let clock = TestClock(t0)
        let instances = try await instances(clock: clock, ledger: ledger, events: [200, 200])
        try await running(instances) {
            try await DispatcherClockTests.until("the first sends") { instances.contains { $0.transport.count > 0 } }
            try await clock.waitForSleepers(2)
            var steps = 0
            while instances.map({ carried($0.transport) }).reduce(0, +) < 400, steps < 2_000 {
                clock.advance(by: .milliseconds(250))
                try await clock.waitForSleepers(2)
                steps += 1
            }
        }
        let sends = instances.flatMap { $0.transport.sentAt.withLockedValue { $0 } }.sorted()
        return (sends, instances.map(\.transport.count), instances)
    }

    @Test("two instances, 200 events each for one Discord webhook, one shared ledger: together never more than 5 requests in 2 s or 30 in 60 s (with the margin), and every event delivered")
    func twoInstancesStayInsideTheBudget() async throws {
        let ledger = MemorySendLedger()
        let (sends, perInstance, instances) = try await Self.backlog(ledger: ledger)
        #expect(instances.map { Self.carried($0.transport) } == [200, 200], "every event in a message")
        let budget = ReceiverBudget.discord
        for w in budget.windows {
            #expect(ReceiverBudgetWindows.obeys(sends, w), "\(w)")
            #expect(ReceiverBudgetWindows.obeys(sends, .init(limit: w.limit, seconds: w.seconds + budget.margin)), "\(w) with the margin")
        }
        #expect(perInstance.allSatisfy { $0 > 0 }, "both instances sent: \(perInstance)")
        #expect(ledger.counts.refused > 0, "the shared ledger turned sends away")
        #expect(ledger.counts.asked - ledger.counts.refused == sends.count, "every send was recorded in the shared ledger")
        // 40 messages: the 31st waits for the first to be 60 s (+ margin) old; as fast as the budget allows.
        #expect(sends.count == 40)
        #expect((60.25..<125).contains(sends.last!.timeIntervalSince(sends.first!)), "\(sends.last!.timeIntervalSince(sends.first!)) s")
        print("shared budget, two dispatchers: \(sends.count) messages (\(perInstance)) in \(sends.last!.timeIntervalSince(sends.first!)) s; "
              + "ledger asked \(ledger.counts.asked) times, refused \(ledger.counts.refused)")
        for i in instances {
            let page = try await i.store.deliveries(subscriptionId: i.subscription.id, owner: H.owner, status: .delivered, after: nil, limit: 200)
            #expect(page.items.count == 200)
        }
    }

    @Test("without a shared ledger the same two instances break Discord's 2 s window at once: what the ledger is for")
    func withoutTheLedgerTheWindowBreaks() async throws {
        let (sends, perInstance, _) = try await Self.backlog(ledger: nil)
        #expect(perInstance.allSatisfy { $0 > 0 })
        #expect(!ReceiverBudgetWindows.obeys(sends, ReceiverBudget.discord.windows[0]), "each instance alone keeps 5 in 2 s; together they do not")
    }

    @Test("while the shared ledger cannot be asked nothing goes out: the messages come back 5 s later and are sent once it answers")
    func ledgerDown() async throws {
        let clock = TestClock(Self.t0)
        let ledger = MemorySendLedger()
        ledger.failing = true
        let instance = try await Self.instances(clock: clock, ledger: ledger, events: [3])[0]
        try await Self.running([instance]) {
            try await DispatcherClockTests.until("the ledger asked") { ledger.counts.asked > 0 }
            try await clock.waitForSleepers(1)
            #expect(instance.transport.count == 0)
            let page = try await instance.store.deliveries(subscriptionId: instance.subscription.id, owner: H.owner, status: nil, after: nil, limit: 10)
            #expect(page.items.map(\.nextAttemptAt) == Array(repeating: Self.t0.addingTimeInterval(5), count: 3), "put back 5 s later, no attempt")
            ledger.failing = false
            clock.advance(by: .milliseconds(4_999))
            try await clock.waitForSleepers(1)
            #expect(instance.transport.count == 0)
            clock.advance(by: .milliseconds(1))
            try await DispatcherClockTests.until("the message") { instance.transport.count == 1 }
            try await clock.waitForSleepers(1)
        }
        #expect(Self.carried(instance.transport) == 3)
    }

    @Test("a 429 one instance gets holds the webhook for the other instance too, until the time it named")
    func holdIsShared() async throws {
        let clock = TestClock(Self.t0)
        let ledger = MemorySendLedger()
        let tooMany = HTTPResponse(status: 429, headers: [("content-type", "application/json")], body: Array(#"{"retry_after": 30, "global": false}"#.utf8))
        // Instance 0 has one event and is answered 429 (retry after 30 s) the first time;
        // instance 1 gets its event a second later.
        let instances = try await Self.instances(clock: clock, ledger: ledger, events: [1, 0]) { i in
            { _, n in i == 0 && n == 1 ? tooMany : HTTPResponse(status: 204) }
        }
        let (a, b) = (instances[0], instances[1])
        try await Self.running(instances) {
            try await DispatcherClockTests.until("the first send") { a.transport.count == 1 }
            try await clock.waitForSleepers(2)
            clock.advance(by: .seconds(1))
            try await clock.waitForSleepers(2)
            let late = Self.events(1, 1)[0]
            _ = try await b.store.enqueue([(late, [b.subscription.id])], now: clock.now())
            b.dispatcher.wake()
            try await DispatcherClockTests.until("instance 1 turned away") { ledger.counts.refused == 1 }
            try await clock.waitForSleepers(2)
            let page = try await b.store.deliveries(subscriptionId: b.subscription.id, owner: H.owner, status: nil, after: nil, limit: 10)
            #expect(page.items.map(\.nextAttemptAt) == [Self.t0.addingTimeInterval(30)], "put back to the end of the hold")
            clock.advance(by: .milliseconds(28_999))
            try await clock.waitForSleepers(2)
            #expect(b.transport.count == 0, "nothing before the hold ends")
            clock.advance(by: .milliseconds(1))
            try await DispatcherClockTests.until("both sent after the hold") { a.transport.count == 2 && b.transport.count == 1 }
            try await clock.waitForSleepers(2)
        }
        #expect(b.transport.sentAt.withLockedValue { $0 } == [Self.t0.addingTimeInterval(30)])
    }
}
