import Foundation
import NIOConcurrencyHelpers
import ServiceLifecycle
import SquawkCore
import SquawkHTTP
@testable import SquawkServer
import SquawkSQLite
import SquawkStore
import SquawkTesting
import Testing

/// A transport that answers from a script, records every request and every batch, and can hold
/// a request until the test releases it. No network: the dispatcher's pipeline runs alone.
final class ScriptedTransport: HTTPTransport, Sendable {
    typealias Script = @Sendable (_ request: HTTPRequest, _ n: Int) -> HTTPResponse
    let script: Script
    let requests = NIOLockedValueBox<[HTTPRequest]>([])
    let batches = NIOLockedValueBox<[Int]>([])
    /// When each request was made, on `clock` (if set).
    let sentAt = NIOLockedValueBox<[Date]>([])
    let clock = NIOLockedValueBox<TestClock?>(nil)
    /// Requests to URLs containing one of these wait until it is released (``release(_:)``).
    let holdURLsContaining = NIOLockedValueBox<Set<String>>([])
    private let held = NIOLockedValueBox<[(part: String, waiter: CheckedContinuation<Void, Never>)]>([])

    init(_ script: @escaping Script = { _, _ in HTTPResponse(status: 200) }) { self.script = script }

    var count: Int { requests.withLockedValue { $0.count } }
    var urls: [String] { requests.withLockedValue { $0.map(\.url) } }
    var heldCount: Int { held.withLockedValue { $0.count } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let n = requests.withLockedValue { $0.append(request); return $0.count }
        if let clock = clock.withLockedValue({ $0 }) { sentAt.withLockedValue { $0.append(clock.now()) } }
        if let part = holdURLsContaining.withLockedValue({ $0 }).first(where: request.url.contains) {
            await withCheckedContinuation { c in held.withLockedValue { $0.append((part, c)) } }
        }
        defer { request.onEnd?() }  // as a real transport does: the endpoint's in-flight slot comes back
        return script(request, n)
    }

    func send(all requests: [HTTPRequest], concurrency: Int) async -> [HTTPExchange] {
        batches.withLockedValue { $0.append(requests.count) }
        var out: [HTTPExchange] = []
        for r in requests {
            do { out.append(HTTPExchange(result: .success(try await send(r)), elapsed: .milliseconds(3))) } catch {
                out.append(HTTPExchange(result: .failure(error as! HTTPTransportError), elapsed: .milliseconds(3)))
            }
        }
        return out
    }

    /// Lets the requests held for `part` (every held one, without it) go, and holds no more of them.
    func release(_ part: String? = nil) {
        holdURLsContaining.withLockedValue { parts in if let part { parts.remove(part) } else { parts = [] } }
        let go = held.withLockedValue { list in
            let (go, keep) = (list.filter { part == nil || $0.part == part }, list.filter { part != nil && $0.part != part })
            list = keep
            return go
        }
        for h in go { h.waiter.resume() }
    }
}

/// The dispatcher's claiming, pacing, batching, leases and shutdown on a ``TestClock``: time moves
/// only when the test moves it, by milliseconds if need be, and nothing waits real seconds.
@Suite("Dispatcher on a manual clock")
struct DispatcherClockTests {
    typealias H = DispatchHarness
    static let t0 = H.t0

    struct Rig {
        let store: SQLiteStore
        let clock: TestClock
        let transport: ScriptedTransport
        let dispatcher: Dispatcher
        let rules = SubscriptionRules(endpointPolicy: H.loopback)

        init(configure: (inout DispatcherConfiguration) -> Void = { _ in }, store: (any DeliveryStore)? = nil, base: SQLiteStore? = nil,
             random: RandomSource = .seeded(1), transport: ScriptedTransport = ScriptedTransport()) throws {
            let sqlite = try base ?? SQLiteStore.temporary()
            var configuration = DispatcherConfiguration()
            configuration.retryPolicy = H.schedule
            // An idle dispatcher looks for due work every millisecond of the clock, so the tests
            // can say "not at 4.999 s, at 5 s".
            configuration.idleWait = .milliseconds(1)
            configure(&configuration)
            self.store = sqlite
            self.clock = TestClock(DispatcherClockTests.t0)
            self.transport = transport
            self.dispatcher = Dispatcher(store: store ?? sqlite, transport: transport, endpointPolicy: H.loopback,
                                         configuration: configuration, clock: clock, random: random)
        }

        @discardableResult
        func subscribe(_ name: String, format: PayloadFormat = .json, maxAge: Int? = nil, maxPerMinute: Int? = nil,
                       card: CardMode? = nil) async throws -> Subscription {
            var request = SubscriptionRequest()
            request.card = card.map { .some(.string($0.rawValue)) }
            request.maxAge = maxAge.map { .some($0) }
            request.maxPerMinute = maxPerMinute.map { .some($0) }
            request.target = SubscriptionTarget(kind: .callsign, id: "SQK*")
            request.notifyEndpoint = "http://127.0.0.1:9/hooks/\(name)"
            request.format = format
            let s = try rules.newSubscription(request, id: "sub_clock_\(name)", owner: H.owner, now: DispatcherClockTests.t0)
            _ = try await store.create(s, secret: SigningSecret(secret: H.secret, createdAt: DispatcherClockTests.t0), idempotency: nil)
            return s
        }

        func enqueue(_ events: [FlightEvent], to s: Subscription) async throws {
            _ = try await store.enqueue(events.map { ($0, [s.id]) }, now: clock.now())
            dispatcher.wake()
        }

        func delivery(_ e: FlightEvent, of s: Subscription) async throws -> Delivery {
            var cursor: String?
            repeat {
                let page = try await store.deliveries(subscriptionId: s.id, owner: H.owner, status: nil, after: cursor, limit: 100)
                if let d = page.items.first(where: { $0.eventId == e.id }) { return d }
                cursor = page.nextCursor
            } while cursor != nil
            return try #require(nil as Delivery?, "no delivery of \(e.id)")
        }

        func attemptTimes(_ e: FlightEvent, of s: Subscription) async throws -> [TimeInterval] {
            try await store.attempts(deliveryId: try await delivery(e, of: s).id).map { $0.at.timeIntervalSince(DispatcherClockTests.t0) }
        }

        /// Runs the dispatcher's loop around `body`, then stops it as graceful shutdown does.
        func running(_ body: () async throws -> Void) async throws {
            let stopping = NIOLockedValueBox(false)
            let loop = Task { await dispatcher.pipeline(stopping: stopping) }
            do { try await body() } catch {
                loop.cancel()
                throw error
            }
            stopping.withLockedValue { $0 = true }
            dispatcher.wake()
            await loop.value
        }

        /// Waits until the dispatcher has done all it can at the clock's time: it sleeps on the clock.
        func settle() async throws { try await clock.waitForSleepers(1) }

        /// Moves the clock and waits until the dispatcher has caught up with it.
        func advance(_ d: Duration) async throws {
            clock.advance(by: d)
            try await settle()
        }

        /// Moves the clock `step` at a time until `done` holds, at most `steps` times.
        func advance(by step: Duration, until done: () -> Bool, steps: Int) async throws {
            var taken = 0
            while !done(), taken < steps {
                try await advance(step)
                taken += 1
            }
        }
    }

    /// An event of flight `F<n>` that happened `minutesAgo` before the clock's start.
    static func event(_ n: Int, minutesAgo: Double, type: EventType = .takeoff) -> FlightEvent {
        var e = H.event(n, flight: "F\(n)", type: type)
        e.at = t0.addingTimeInterval(-minutesAgo * 60)
        return e
    }

    /// Waits (real time, bounded) for a condition the dispatcher makes true.
    static func until(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { Issue.record("timed out waiting for \(what)"); return }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    @Test("claiming: a retry due in 5 s is not claimed at 4.999 s, and goes out the moment the clock reaches 5 s")
    func retryDue() async throws {
        let rig = try Rig(transport: ScriptedTransport { _, n in HTTPResponse(status: n == 1 ? 500 : 200) })
        let sub = try await rig.subscribe("a")
        let e = H.event(1, flight: "F1")
        try await rig.running {
            try await rig.enqueue([e], to: sub)
            try await Self.until("the first send") { rig.transport.count == 1 }
            try await rig.settle()
            #expect(try await rig.delivery(e, of: sub).nextAttemptAt == Self.t0.addingTimeInterval(5))
            try await rig.advance(.milliseconds(4_999))
            #expect(rig.transport.count == 1, "not due yet")
            try await rig.advance(.milliseconds(1))
            #expect(rig.transport.count == 2)
        }
        #expect(try await rig.delivery(e, of: sub).status == .delivered)
        #expect(try await rig.attemptTimes(e, of: sub) == [0, 5])
    }

    @Test("pacing: a 429 with Retry-After 120 pauses its endpoint until then; another endpoint is not paused; the paced delivery is not claimed again meanwhile")
    func pacing() async throws {
        let transport = ScriptedTransport { r, n in
            n == 1 ? HTTPResponse(status: 429, headers: [("retry-after", "120")]) : HTTPResponse(status: 200)
        }
        let base = try SQLiteStore.temporary()
        let claims = ClaimCounter(base)
        let rig = try Rig(store: claims, base: base, transport: transport)
        let a = try await rig.subscribe("a"), b = try await rig.subscribe("b")
        let a1 = H.event(1, flight: "F1"), a2 = H.event(2, flight: "F2"), b1 = H.event(3, flight: "F3")
        try await rig.running {
            try await rig.enqueue([a1], to: a)
            try await Self.until("a1's first send") { rig.transport.count == 1 }
            try await rig.settle()
            try await rig.enqueue([a2], to: a)
            try await rig.enqueue([b1], to: b)
            try await Self.until("b1 sent") { rig.transport.count == 2 }
            try await rig.settle()
            #expect(rig.transport.urls.last?.hasSuffix("/hooks/b") == true, "the other endpoint goes on")
            #expect(try await rig.delivery(a2, of: a).nextAttemptAt == Self.t0.addingTimeInterval(120), "scheduled for the endpoint's next slot")
            let claimedBefore = claims.claimed(a2.id)
            for _ in 0..<10 { try await rig.advance(.seconds(11)) }  // 110 s of idle cycles
            #expect(rig.transport.count == 2, "nothing to a before 120 s")
            #expect(claims.claimed(a2.id) == claimedBefore, "the paced delivery is not claimed again before its slot")
            try await rig.advance(.seconds(10))
            // Both are due at 120 s; the endpoint's own pace may space them by a second.
            for _ in 0..<5 where rig.transport.count < 4 { try await rig.advance(.seconds(1)) }
            #expect(rig.transport.count == 4)
        }
        #expect(try await rig.delivery(a1, of: a).status == .delivered)
        #expect(try await rig.delivery(a2, of: a).status == .delivered)
        #expect(try await rig.attemptTimes(a1, of: a).count == 2)
        #expect(try await rig.attemptTimes(a1, of: a).first == 0)
        let a2Sent = try await rig.attemptTimes(a2, of: a)
        #expect(a2Sent.count == 1 && a2Sent[0] >= 120)
    }

    @Test("batching: seven deliveries with a batch size of 3 go out in claims of at most 3, each once")
    func batching() async throws {
        let rig = try Rig(configure: { $0.batchSize = 3; $0.pipelineDepth = 1 })
        let sub = try await rig.subscribe("a")
        let events = (1...7).map { H.event($0, flight: "F\($0)") }
        try await rig.running {
            try await rig.enqueue(events, to: sub)
            try await Self.until("seven sends") { rig.transport.count == 7 }
            try await rig.settle()
        }
        let batches = rig.transport.batches.withLockedValue { $0 }
        #expect(batches.allSatisfy { $0 <= 3 })
        #expect(batches.reduce(0, +) == 7)
        for e in events { #expect(try await rig.attemptTimes(e, of: sub) == [0]) }
    }

    @Test("leases: a claim never acknowledged (its acknowledgement failed) comes back when its lease ends, not a millisecond before, and is delivered once")
    func leaseEnds() async throws {
        let base = try SQLiteStore.temporary()
        let flaky = FailingFirstAck(base)
        let rig = try Rig(configure: { $0.lease = .seconds(60) }, store: flaky, base: base)
        let sub = try await rig.subscribe("a")
        let e = H.event(1, flight: "F1")
        try await rig.running {
            try await rig.enqueue([e], to: sub)
            try await Self.until("the first send") { rig.transport.count == 1 }
            try await rig.settle()
            #expect(try await rig.delivery(e, of: sub).status == .inflight, "the acknowledgement was lost")
            try await rig.advance(.milliseconds(59_999))
            #expect(rig.transport.count == 1, "still leased")
            try await rig.advance(.milliseconds(1))
            try await Self.until("the second send") { rig.transport.count == 2 }
            try await rig.settle()
        }
        #expect(try await rig.delivery(e, of: sub).status == .delivered)
        #expect(try await rig.attemptTimes(e, of: sub) == [60], "the lost attempt was never recorded; the second is attempt 1")
    }

    @Test("shutdown: graceful shutdown stops claiming; the send in flight finishes and is acknowledged; nothing new goes out")
    func shutdown() async throws {
        let transport = ScriptedTransport()
        transport.holdURLsContaining.withLockedValue { $0 = ["/hooks/a"] }
        let rig = try Rig(transport: transport)
        let sub = try await rig.subscribe("a")
        let e1 = H.event(1, flight: "F1"), e2 = H.event(2, flight: "F2")
        let group = ServiceGroup(services: [rig.dispatcher], gracefulShutdownSignals: [], logger: .init(label: "test"))
        let running = Task { try await group.run() }
        try await rig.enqueue([e1], to: sub)
        try await Self.until("the send to be held") { transport.heldCount == 1 }
        await group.triggerGracefulShutdown()
        try await Self.until("shutdown to reach the dispatcher") { rig.dispatcher.isStopping }
        // Enqueued once the dispatcher is stopping (a different flight, so nothing but the
        // shutdown keeps it from being claimed).
        try await rig.enqueue([e2], to: sub)
        transport.release()
        try await running.value
        #expect(transport.count == 1, "e2 was never sent")
        #expect(try await rig.delivery(e1, of: sub).status == .delivered)
        #expect(try await rig.delivery(e2, of: sub).status == .pending)
    }

    @Test("a backlog of 300 events for one Discord webhook: batched 10 to a message, scheduled not churned, never more than 5 requests in 2 s or 30 in 60 s")
    func discordBacklog() async throws {
        let base = try SQLiteStore.temporary()
        let claims = ClaimCounter(base)
        let rig = try Rig(store: claims, base: base)
        rig.transport.clock.withLockedValue { $0 = rig.clock }
        let sub = try await rig.subscribe("discord", format: .discord)
        let events = (1...300).map { H.event($0, flight: "F\($0)") }
        func carried() -> Int {
            rig.transport.requests.withLockedValue { requests in
                requests.reduce(0) { sum, r in
                    guard case .object(let o)? = try? JSONValue.parse(r.body ?? []), case .array(let embeds)? = o["embeds"] else { return sum }
                    return sum + embeds.count
                }
            }
        }
        try await rig.running {
            try await rig.enqueue(events, to: sub)
            try await Self.until("the first burst") { rig.transport.count >= 5 }
            try await rig.settle()
            try await rig.advance(by: .milliseconds(250), until: { carried() >= 300 }, steps: 2_000)
        }
        let sends = rig.transport.sentAt.withLockedValue { $0 }
        #expect(carried() == 300, "every event in a message")
        // Ten embeds to a message, bar a part-filled one where a claim's batch ended.
        #expect((30...32).contains(sends.count), "\(sends.count) messages")
        for w in ReceiverBudget.discord.windows { #expect(ReceiverBudgetWindows.obeys(sends, w), "\(w)") }
        // Each delivery claimed at most twice: once when it came (put back to its subscription's
        // promised slot), once at that slot. Before, every claim of a busy endpoint put back all but one.
        let claimed = events.map { claims.claimed($0.id) }
        #expect(claimed.allSatisfy { $0 <= 2 }, "\(claimed.max() ?? 0)")
        // As fast as the budget allows: 30 messages are Discord's minute.
        #expect(sends.last!.timeIntervalSince(sends.first!) < 125)
        for e in events { #expect(try await rig.delivery(e, of: sub).status == .delivered) }
    }

    @Test("a busy channel's new deliveries come due at its next slot with room, so they are claimed once, not claimed now to be put back")
    func newDeliveriesHeld() async throws {
        let base = try SQLiteStore.temporary()
        let claims = ClaimCounter(base)
        let rig = try Rig(store: claims, base: base)
        let sub = try await rig.subscribe("busy", format: .discord)
        let backlog = (1...100).map { H.event($0, flight: "F\($0)") }
        try await rig.running {
            try await rig.enqueue(backlog, to: sub)
            try await Self.until("the first burst") { rig.transport.count == 5 }
            try await rig.settle()
            let late = H.event(101, flight: "F101")
            try await rig.enqueue([late], to: sub)
            try await rig.settle()
            let due = try await rig.delivery(late, of: sub).nextAttemptAt
            #expect(due > rig.clock.now(), "held for the channel's next slot, not due at once")
            #expect(claims.claimed(late.id) == 0, "not claimed meanwhile")
            var promised = Set<Date>()
            for e in backlog { promised.insert(try await rig.delivery(e, of: sub).nextAttemptAt) }
            // The backlog fills its slots ten to a message; the newcomer comes after them.
            #expect(due >= promised.max()!, "behind the backlog's slots")
        }
    }

    @Test("freshness: a chat event older than 15 min is expired with its reason, not sent; json keeps everything unless it sets maxAge")
    func freshness() async throws {
        let rig = try Rig()
        let discord = try await rig.subscribe("discord", format: .discord)
        let json = try await rig.subscribe("json")
        let strict = try await rig.subscribe("strict", maxAge: 60)
        let stale = Self.event(1, minutesAgo: 20), fresh = Self.event(2, minutesAgo: 14), old = Self.event(3, minutesAgo: 20), oldStrict = Self.event(4, minutesAgo: 2)
        try await rig.running {
            try await rig.enqueue([stale, fresh], to: discord)
            try await rig.enqueue([old], to: json)
            try await rig.enqueue([oldStrict], to: strict)
            try await Self.until("the sends") { rig.transport.count == 2 }
            try await rig.settle()
        }
        #expect(Set(rig.transport.urls) == [discord.notifyEndpoint, json.notifyEndpoint])
        let expired = try await rig.delivery(stale, of: discord)
        #expect(expired.status == .expired)
        #expect(expired.lastError?.hasPrefix("expired: the event is 1200 s old, past this subscription's maxAge of 900 s") == true, "\(expired.lastError ?? "")")
        #expect(try await rig.store.attempts(deliveryId: expired.id).isEmpty, "no attempt: nothing was sent")
        #expect(try await rig.delivery(fresh, of: discord).status == .delivered)
        #expect(try await rig.delivery(old, of: json).status == .delivered)
        #expect(try await rig.delivery(oldStrict, of: strict).lastError?.contains("maxAge of 60 s") == true)
        // Expiring is not failing: the subscription's failure clock does not start.
        #expect(try await rig.store.claim(limit: 10, now: Self.t0.addingTimeInterval(3_600), lease: .seconds(60)).isEmpty)
    }

    @Test("a channel is told what it missed: one summary message counting the expired events by type, at most one a minute")
    func missedSummary() async throws {
        let rig = try Rig()
        let sub = try await rig.subscribe("discord", format: .discord)
        func titles() -> [String] {
            rig.transport.requests.withLockedValue { requests in
                requests.flatMap { r -> [String] in
                    guard case .object(let o)? = try? JSONValue.parse(r.body ?? []), case .array(let embeds)? = o["embeds"] else { return [] }
                    return embeds.compactMap { if case .object(let e) = $0 { e["title"]?.stringValue } else { nil } }
                }
            }
        }
        let stale = (1...25).map { Self.event($0, minutesAgo: 20, type: $0 <= 15 ? .takeoff : .landing) }
        try await rig.running {
            try await rig.enqueue(stale + [Self.event(100, minutesAgo: 1)], to: sub)
            try await Self.until("the summary and the fresh event") { titles().count == 2 }
            try await rig.settle()
            // More missed within the minute: counted, not yet told.
            try await rig.enqueue((200...202).map { Self.event($0, minutesAgo: 30) }, to: sub)
            try await rig.advance(.seconds(30))
            #expect(titles().count == 2)
            try await rig.advance(.seconds(31))
            try await Self.until("the second summary") { titles().count == 3 }
        }
        let all = titles()
        #expect(all.contains("25 more events from Expert Server in the last 1 min, not sent in time"), "\(all)")
        #expect(all.contains { $0.hasPrefix("SQK100 took off") })
        #expect(all.contains { $0.hasPrefix("3 more events from Expert Server") }, "\(all)")
        for e in stale { #expect(try await rig.delivery(e, of: sub).lastError?.hasPrefix("expired:") == true) }
    }

    @Test("maxPerMinute: a subscription's own pace on top of the receiver's, within any 60 s")
    func maxPerMinute() async throws {
        let rig = try Rig()
        rig.transport.clock.withLockedValue { $0 = rig.clock }
        let sub = try await rig.subscribe("paced", maxPerMinute: 6)
        let events = (1...20).map { H.event($0, flight: "F\($0)") }
        try await rig.running {
            try await rig.enqueue(events, to: sub)
            try await Self.until("the first six") { rig.transport.count >= 6 }
            try await rig.settle()
            try await rig.advance(by: .seconds(1), until: { rig.transport.count >= 20 }, steps: 1_000)
        }
        let sends = rig.transport.sentAt.withLockedValue { $0 }
        #expect(sends.count == 20)
        #expect(ReceiverBudgetWindows.obeys(sends, .init(limit: 6, seconds: 60)))
        #expect(sends.last!.timeIntervalSince(sends.first!) >= 120, "20 at 6 a minute take over two minutes")
    }

    @Test("retry jitter comes from the injected random source: the same seed gives the same schedule, another seed another")
    func jitter() async throws {
        func nextAttempt(seed: UInt64) async throws -> Date {
            let rig = try Rig(configure: { $0.retryPolicy = RetryPolicy(schedule: [0, 600], jitter: 0.2) }, random: .seeded(seed),
                              transport: ScriptedTransport { _, _ in HTTPResponse(status: 503) })
            let sub = try await rig.subscribe("a")
            let e = H.event(1, flight: "F1")
            try await rig.enqueue([e], to: sub)
            #expect(try await rig.dispatcher.tick(now: rig.clock.now()) == 1)
            return try await rig.delivery(e, of: sub).nextAttemptAt
        }
        let first = try await nextAttempt(seed: 42), again = try await nextAttempt(seed: 42), other = try await nextAttempt(seed: 43)
        #expect(first == again)
        #expect(first != other)
        for d in [first, other] { #expect((480...720).contains(d.timeIntervalSince(Self.t0))) }
    }
}

/// Counts how often each delivery (by event id) is claimed.
final class ClaimCounter: DeliveryStoreDecorator, NewDeliveryHold, Sendable {
    let base: any DeliveryStore
    private let counts = NIOLockedValueBox<[String: Int]>([:])
    init(_ base: any DeliveryStore) { self.base = base }
    func claimed(_ eventId: String) -> Int { counts.withLockedValue { $0[eventId, default: 0] } }
    func claim(limit: Int, now: Date, lease: Duration) async throws -> [ClaimedDelivery] {
        let claimed = try await base.claim(limit: limit, now: now, lease: lease)
        counts.withLockedValue { for c in claimed { $0[c.event.id, default: 0] += 1 } }
        return claimed
    }
}

/// Loses the first acknowledgement (as a crash between send and acknowledgement would).
final class FailingFirstAck: DeliveryStoreDecorator, Sendable {
    let base: any DeliveryStore
    let failed = NIOLockedValueBox(false)
    init(_ base: any DeliveryStore) { self.base = base }
    func complete(_ completions: [DeliveryCompletion]) async throws {
        if !failed.withLockedValue({ f in defer { f = true }; return f }) { throw StoreError(.unavailable, "lost acknowledgement") }
        try await base.complete(completions)
    }
}
