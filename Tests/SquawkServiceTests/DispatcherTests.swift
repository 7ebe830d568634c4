import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import SquawkCore
import SquawkHTTP
@testable import SquawkServer
import SquawkSQLite
import SquawkStore
import SquawkTesting
import Testing

// MARK: - WebhookReceiver

/// A loopback webhook receiver whose answers the test scripts. It records every request it gets
/// (path, headers, body) before answering, so a request that hangs or is redirected is still seen.
final class WebhookReceiver: Sendable {
    /// One request as the receiver got it (header names lower-cased, in order).
    struct Received: Sendable {
        var method: String
        var path: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
        var webhookId: String? { header("webhook-id") }
        var timestamp: Int? { header("webhook-timestamp").flatMap { Int($0) } }
        /// The body as a JSON object, if it is one.
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    }

    /// What the receiver does with a request.
    enum Answer: Sendable {
        case status(Int, headers: [(name: String, value: String)] = [], body: String = "")
        /// Never answers: waits until the server is stopped at the end of the test (which cancels
        /// the handler). The client's request timeout is what ends the exchange.
        case hang
    }

    /// Chooses the answer from the request and how many requests with the same `webhook-id`
    /// came before it.
    typealias Script = @Sendable (_ request: Received, _ earlier: Int) -> Answer

    private struct State {
        var script: Script
        var received: [Received] = []
    }

    private let state: NIOLockedValueBox<State>

    init(_ script: @escaping Script = { _, _ in .status(200, body: "ok") }) {
        state = NIOLockedValueBox(State(script: script))
    }

    /// Replaces the script (e.g. once the port is known).
    func answer(_ script: @escaping Script) { state.withLockedValue { $0.script = script } }

    var received: [Received] { state.withLockedValue { $0.received } }
    var count: Int { state.withLockedValue { $0.received.count } }
    func received(path: String) -> [Received] { received.filter { $0.path == path } }
    func received(eventId: String) -> [Received] { received.filter { $0.webhookId == eventId } }

    /// `POST /hooks/:name` is where subscriptions point; `/target` is only ever a redirect target.
    var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("hooks/:name") { request, _ in try await self.handle(request) }
        router.post("target") { request, _ in try await self.handle(request) }
        router.get("target") { request, _ in try await self.handle(request) }
        return router
    }

    private func handle(_ request: Request) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        let received = Received(method: request.method.rawValue, path: request.uri.path,
                                headers: request.headers.map { (name: $0.name.canonicalName, value: $0.value) },
                                body: Array(buffer.readableBytesView))
        let answer = state.withLockedValue { s -> Answer in
            let earlier = s.received.filter { $0.webhookId != nil && $0.webhookId == received.webhookId }.count
            s.received.append(received)
            return s.script(received, earlier)
        }
        switch answer {
        case .hang:
            // Not a test-side wait: the receiver stalls until LoopbackServer cancels it.
            try await Task.sleep(for: .seconds(86_400))
            return Response(status: .ok)
        case .status(let code, let headers, let body):
            var fields = HTTPFields()
            for h in headers { fields.append(HTTPField(name: HTTPField.Name(h.name)!, value: h.value)) }
            return Response(status: .init(code: code), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
    }
}

// MARK: - DispatchHarness

/// A real SQLite outbox, a real libcurl transport and a scripted loopback receiver; the test is
/// the clock: it calls ``Dispatcher/tick(now:)`` with explicit dates and reads the store after.
struct DispatchHarness {
    /// The mock clock's start: 2026-01-01T00:00:00Z (a Thursday).
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)
    static let owner = "key_dispatch"
    static let secret = "whsec_" + Data((0..<32).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }).base64EncodedString()
    static let otherSecret = "whsec_" + Data((0..<32).map { UInt8(truncatingIfNeeded: $0 &* 11 &+ 3) }).base64EncodedString()
    /// The loopback receiver is a private address: the operator allow-lists it.
    static let loopback = EndpointPolicy(allowList: [IPRange(cidr: "127.0.0.0/8")!])
    /// Attempts at 0, 5 s, 5 min and 30 min, no jitter: due times are exact.
    static let schedule = RetryPolicy(schedule: [0, 5, 300, 1800], jitter: 0)

    let store: SQLiteStore
    let transport: CurlTransport
    let receiver: WebhookReceiver
    let port: Int
    let configuration: DispatcherConfiguration
    let operational = NIOLockedValueBox<[OperationalEvent]>([])
    let rules = SubscriptionRules(endpointPolicy: DispatchHarness.loopback)

    /// Runs `body` with a fresh store, transport and receiver; the receiver stops afterwards.
    static func with<R>(
        configure: (inout DispatcherConfiguration) -> Void = { _ in },
        script: @escaping WebhookReceiver.Script = { _, _ in .status(200, body: "ok") },
        _ body: (DispatchHarness) async throws -> R
    ) async throws -> R {
        let store = try SQLiteStore.temporary()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let receiver = WebhookReceiver(script)
        var configuration = DispatcherConfiguration()
        configuration.retryPolicy = schedule
        configure(&configuration)
        return try await LoopbackServer.withServer(receiver.router) { port in
            try await body(DispatchHarness(store: store, transport: transport, receiver: receiver, port: port, configuration: configuration))
        }
    }

    /// A dispatcher over this harness's store and transport; operational events are collected.
    func dispatcher(policy: EndpointPolicy = DispatchHarness.loopback) -> Dispatcher {
        let operational = self.operational
        return Dispatcher(store: store, transport: transport, endpointPolicy: policy, configuration: configuration,
                          onOperationalEvent: { event in operational.withLockedValue { $0.append(event) } })
    }

    var operationalEvents: [OperationalEvent] { operational.withLockedValue { $0 } }

    func url(_ name: String) -> String { "http://127.0.0.1:\(port)/hooks/\(name)" }

    /// A subscription to `/hooks/<name>`, validated by the same rules the API uses (with the
    /// loopback allow-list), stored with `secret`.
    @discardableResult
    func subscribe(_ name: String, format: PayloadFormat = .json, secret: String = DispatchHarness.secret,
                   createdAt: Date = DispatchHarness.t0) async throws -> Subscription {
        var request = SubscriptionRequest()
        request.target = SubscriptionTarget(kind: .callsign, id: "SQK*")
        request.notifyEndpoint = url(name)
        request.format = format
        let subscription = try rules.newSubscription(request, id: "sub_dispatch_\(name)", owner: Self.owner, now: createdAt)
        _ = try await store.create(subscription, secret: SigningSecret(secret: secret, createdAt: createdAt), idempotency: nil)
        return subscription
    }

    func enqueue(_ events: [FlightEvent], to subscription: Subscription, at now: Date) async throws {
        let created = try await store.enqueue(events.map { (event: $0, subscriptionIds: [subscription.id]) }, now: now)
        #expect(created == events.count)
    }

    /// One dispatcher cycle at `now` (a fresh dispatcher unless one is given: its limiter state
    /// matters for pacing, so tests that check pacing pass one).
    func tick(_ now: Date, with dispatcher: Dispatcher? = nil) async throws -> Int {
        try await (dispatcher ?? self.dispatcher()).tick(now: now)
    }

    func delivery(_ event: FlightEvent, of subscription: Subscription) async throws -> Delivery {
        let page = try await store.deliveries(subscriptionId: subscription.id, owner: Self.owner, status: nil, after: nil, limit: 100)
        return try #require(page.items.first(where: { $0.eventId == event.id }), "no delivery of \(event.id)")
    }

    func attempts(_ event: FlightEvent, of subscription: Subscription) async throws -> [DeliveryAttempt] {
        try await store.attempts(deliveryId: try await delivery(event, of: subscription).id)
    }

    func subscription(_ subscription: Subscription) async throws -> Subscription {
        try #require(try await store.get(id: subscription.id, owner: Self.owner))
    }

    /// An event of flight `flight`; `n` makes the id unique.
    static func event(_ n: Int, flight: String, type: EventType = .takeoff) -> FlightEvent {
        FlightEvent(id: EventID.make(subject: "dispatcher-test/\(flight)", type: type, sequence: n), type: type, at: t0,
                    server: ServerRef(id: "srv-expert", name: "Expert Server"), flightId: flight, userId: nil,
                    username: "pilot-\(n)", callsign: "SQK\(n)", airport: "KLAX",
                    data: ["altitude": .number(1200), "groundSpeed": .number(160)])
    }

    /// Whether the request's signature header verifies for one of `secrets`, as a receiver would
    /// check it at `now`.
    static func verifies(_ r: WebhookReceiver.Received, signature: String? = nil, secrets: [String], at now: Date) -> Bool {
        guard let id = r.webhookId, let timestamp = r.timestamp, let header = signature ?? r.header("webhook-signature") else { return false }
        return WebhookSigner.verify(id: id, timestamp: timestamp, signatureHeader: header, body: r.body, secrets: secrets,
                                    now: Int(now.timeIntervalSince1970))
    }
}

// MARK: - Tests

@Suite("Dispatcher: retries, status handling, pacing, ordering, SSRF (real store, curl, loopback receiver)")
struct DispatcherTests {
    typealias H = DispatchHarness
    static let t0 = DispatchHarness.t0

    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    // MARK: Retries and what is sent

    @Test("a dispatcher that reports after its claim ran out and another claimed the delivery cannot put it back to pending (it would be sent twice)")
    func lateReportKeepsTheNewClaim() async throws {
        try await H.with(script: { _, _ in .status(500, body: "busy") }) { h in
            let sub = try await h.subscribe("late")
            let e = H.event(1, flight: "F1")
            try await h.enqueue([e], to: sub, at: Self.t0)
            // Dispatcher X claims and is held up past its lease; Y claims the delivery again.
            let claimedByX = try await h.store.claim(limit: 10, now: Self.t0, lease: .seconds(30))
            let claimedByY = try #require(try await h.store.claim(limit: 10, now: Self.at(31), lease: .seconds(30)).first)
            // X's send finally happens (500) and X reports: its completion names X's claim.
            let (completions, _) = await h.dispatcher().send(claimedByX, now: Self.at(32))
            #expect(completions.map(\.claim) == claimedByX.map(\.delivery.leaseUntil))
            try await h.store.complete(completions)
            let d = try await h.delivery(e, of: sub)
            #expect(d.status == .inflight, "still Y's")
            #expect(d.leaseUntil == claimedByY.delivery.leaseUntil)
            #expect(try await h.store.claim(limit: 10, now: Self.at(40), lease: .seconds(30)).isEmpty, "so nobody sends it again meanwhile")
            #expect(try await h.attempts(e, of: sub).map(\.statusCode) == [500], "X's attempt is logged")
        }
    }

    @Test("500 three times then 200: attempts 1–4 on the schedule, then delivered; signed JSON envelope every time")
    func retriesThenDelivers() async throws {
        try await H.with(script: { _, earlier in earlier < 3 ? .status(500, body: "boom \(earlier + 1)") : .status(200, body: "ok") }) { h in
            let sub = try await h.subscribe("retry")
            let e = H.event(1, flight: "F1")
            try await h.enqueue([e], to: sub, at: Self.t0)
            let due = [0.0, 5, 305, 2105].map(Self.at)
            for (i, now) in due.enumerated() {
                if i > 0 {
                    // A second early: not due, nothing claimed, nothing sent.
                    #expect(try await h.tick(now.addingTimeInterval(-1)) == 0)
                    #expect(h.receiver.count == i)
                }
                #expect(try await h.tick(now) == 1)
                #expect(h.receiver.count == i + 1)
                let d = try await h.delivery(e, of: sub)
                #expect(d.attempts == i + 1)
                if i < 3 {
                    #expect(d.status == .pending)
                    #expect(d.nextAttemptAt == due[i + 1], "attempt \(i + 1): next attempt off the schedule")
                    #expect(d.lastStatusCode == 500)
                    #expect(d.completedAt == nil)
                } else {
                    #expect(d.status == .delivered)
                    #expect(d.lastStatusCode == 200)
                    #expect(d.completedAt == now)
                }
            }
            let attempts = try await h.attempts(e, of: sub)
            #expect(attempts.map(\.attempt) == [1, 2, 3, 4])
            #expect(attempts.map(\.statusCode) == [500, 500, 500, 200])
            #expect(attempts.map(\.at) == due)
            #expect(attempts.map(\.responseSnippet) == ["boom 1", "boom 2", "boom 3", "ok"])

            // Every attempt: the same body (the JSON envelope), id = event id, its own timestamp,
            // one v1 signature that verifies with the subscription's secret and no other.
            let expectedBody = PayloadRenderer().render(e, format: .json, subscriptionId: sub.id, sequence: 1)
            let received = h.receiver.received
            #expect(received.count == 4)
            for (r, now) in zip(received, due) {
                #expect(r.method == "POST")
                #expect(r.path == "/hooks/retry")
                #expect(r.header("content-type") == "application/json")
                #expect(r.webhookId == e.id)
                #expect(r.timestamp == Int(now.timeIntervalSince1970))
                #expect(r.body == expectedBody)
                let signature = try #require(r.header("webhook-signature"))
                #expect(signature.hasPrefix("v1,") && !signature.contains(" "))
                #expect(H.verifies(r, secrets: [H.secret], at: now))
                #expect(!H.verifies(r, secrets: [H.otherSecret], at: now))
            }
            let envelope = try #require(received.last?.json)
            #expect(envelope["type"] as? String == "flight.takeoff")
            #expect((envelope["timestamp"] as? String).flatMap(ISO8601.parse) == e.at)
            let data = try #require(envelope["data"] as? [String: Any])
            #expect(data["eventId"] as? String == e.id)
            #expect(data["subscriptionId"] as? String == sub.id)
            #expect((data["sequence"] as? NSNumber)?.intValue == 1)
            #expect(data["flightId"] as? String == "F1")
            #expect(h.operationalEvents.isEmpty)
        }
    }

    // MARK: 429 and pacing

    enum RetryAfterForm: String, Sendable, CaseIterable {
        case seconds, httpDate
        /// 120 s after t0, in the form.
        var value: String { self == .seconds ? "120" : "Thu, 01 Jan 2026 00:02:00 GMT" }
    }

    @Test("429 with Retry-After: next attempt 120 s later; the endpoint is paced meanwhile, other endpoints are not",
          arguments: RetryAfterForm.allCases)
    func tooManyRequests(form: RetryAfterForm) async throws {
        let a = H.event(1, flight: "A"), b = H.event(2, flight: "B"), c = H.event(3, flight: "C")
        let script: WebhookReceiver.Script = { r, earlier in
            r.webhookId == a.id && earlier == 0
                ? .status(429, headers: [(name: "Retry-After", value: form.value)], body: "slow down")
                : .status(200, body: "ok")
        }
        try await H.with(script: script) { h in
            let dispatcher = h.dispatcher()  // one dispatcher: its limiter remembers the 429
            let sub = try await h.subscribe("paced")
            let other = try await h.subscribe("other")
            try await h.enqueue([a], to: sub, at: Self.t0)
            #expect(try await h.tick(Self.t0, with: dispatcher) == 1)
            let da = try await h.delivery(a, of: sub)
            #expect(da.status == .pending)
            #expect(da.attempts == 1)
            #expect(da.lastStatusCode == 429)
            #expect(da.nextAttemptAt == Self.at(120), "Retry-After \(form.value) replaces the 5 s of the schedule")

            // Ten seconds later another delivery to the same endpoint is claimed: it is put back
            // until the window ends, without being sent or counted. Another endpoint is not slowed.
            try await h.enqueue([b], to: sub, at: Self.at(10))
            try await h.enqueue([c], to: other, at: Self.at(10))
            #expect(try await h.tick(Self.at(10), with: dispatcher) == 2)
            let db = try await h.delivery(b, of: sub)
            #expect(db.status == .pending)
            #expect(db.attempts == 0)
            #expect(db.lastStatusCode == nil)
            #expect(db.lastError == nil)
            #expect(db.nextAttemptAt == Self.at(120))
            #expect(try await h.attempts(b, of: sub).isEmpty)
            #expect(h.receiver.received(eventId: b.id).isEmpty)
            #expect(try await h.delivery(c, of: other).status == .delivered)
            #expect(h.receiver.received(path: "/hooks/other").count == 1)

            // Still inside the window: nothing is due.
            #expect(try await h.tick(Self.at(119), with: dispatcher) == 0)
            #expect(h.receiver.received(path: "/hooks/paced").count == 1)

            // The window is over: both go.
            #expect(try await h.tick(Self.at(120), with: dispatcher) == 2)
            #expect(try await h.delivery(a, of: sub).status == .delivered)
            #expect(try await h.delivery(b, of: sub).status == .delivered)
            #expect(try await h.attempts(a, of: sub).map(\.statusCode) == [429, 200])
            #expect(try await h.attempts(b, of: sub).map(\.attempt) == [1])
            #expect(h.receiver.received(path: "/hooks/paced").count == 3)
        }
    }

    // MARK: Endpoint gone

    @Test("410 Gone: the delivery fails, the subscription is disabled with a reason and reported, its pending deliveries fail")
    func goneDisablesTheSubscription() async throws {
        let script: WebhookReceiver.Script = { r, _ in r.path == "/hooks/gone" ? .status(410, body: "gone") : .status(200, body: "ok") }
        try await H.with(script: script) { h in
            let sub = try await h.subscribe("gone")
            let bystander = try await h.subscribe("alive")
            let a1 = H.event(1, flight: "A"), a2 = H.event(2, flight: "A"), b1 = H.event(3, flight: "B"), x = H.event(4, flight: "X")
            try await h.enqueue([a1, a2], to: sub, at: Self.t0)  // a2 waits behind a1 (same flight)
            try await h.enqueue([b1], to: sub, at: Self.at(60))  // not due yet
            try await h.enqueue([x], to: bystander, at: Self.at(60))

            #expect(try await h.tick(Self.t0) == 1)
            #expect(h.receiver.count == 1)
            let d1 = try await h.delivery(a1, of: sub)
            #expect(d1.status == .failed)
            #expect(d1.attempts == 1)
            #expect(d1.lastStatusCode == 410)
            #expect(d1.completedAt == Self.t0)
            #expect(try await h.attempts(a1, of: sub).map(\.statusCode) == [410])

            let disabled = try await h.subscription(sub)
            #expect(disabled.status == .disabled)
            #expect(disabled.disabledReason?.contains("410") == true)

            for sibling in [a2, b1] {
                let d = try await h.delivery(sibling, of: sub)
                #expect(d.status == .failed, "\(sibling.id) should fail with its subscription")
                #expect(d.attempts == 0)
                #expect(d.lastError?.contains("subscription disabled") == true)
                #expect(try await h.attempts(sibling, of: sub).isEmpty)
            }

            let events = h.operationalEvents
            #expect(events.count == 1)
            let op = try #require(events.first)
            #expect(op.kind == .subscriptionDisabled)
            #expect(op.subscriptionId == sub.id)
            #expect(op.deliveryId == d1.id)
            #expect(op.reason.contains("410"))
            #expect(op.at == Self.t0)

            // Later: only the other subscription's delivery goes; nothing more to the gone endpoint,
            // and no new deliveries are queued for it.
            #expect(try await h.tick(Self.at(3600)) == 1)
            #expect(h.receiver.received(path: "/hooks/gone").count == 1)
            #expect(try await h.delivery(x, of: bystander).status == .delivered)
            #expect(try await h.subscription(bystander).status == .active)
            #expect(try await h.store.enqueue([(H.event(5, flight: "C"), [sub.id])], now: Self.at(3600)) == 0)
            #expect(h.operationalEvents.count == 1)
        }
    }

    @Test("failing continuously for longer than disableAfter disables the subscription; a success in between resets the clock")
    func continuousFailureDisables() async throws {
        let flaky = NIOLockedValueBox(true)
        let script: WebhookReceiver.Script = { _, _ in flaky.withLockedValue { $0 } ? .status(500, body: "down") : .status(200, body: "ok") }
        try await H.with(configure: { $0.disableAfter = 3_600 }, script: script) { h in
            let sub = try await h.subscribe("flaky")
            // First failure at t0 starts the clock; a second one 30 min later does not disable.
            try await h.enqueue([H.event(1, flight: "A")], to: sub, at: Self.t0)
            #expect(try await h.tick(Self.t0) == 1)
            try await h.enqueue([H.event(2, flight: "B")], to: sub, at: Self.at(1800))
            #expect(try await h.tick(Self.at(1800)) == 2)
            #expect(try await h.subscription(sub).status == .active)
            // A success at 50 min stops the clock ...
            flaky.withLockedValue { $0 = false }
            try await h.enqueue([H.event(3, flight: "C")], to: sub, at: Self.at(3000))
            _ = try await h.tick(Self.at(3000))
            #expect(try await h.delivery(H.event(3, flight: "C"), of: sub).status == .delivered)
            // ... so failing again from 60 min, past t0 + 1 h, does not disable yet.
            flaky.withLockedValue { $0 = true }
            try await h.enqueue([H.event(4, flight: "D")], to: sub, at: Self.at(3600))
            _ = try await h.tick(Self.at(3600))
            #expect(try await h.subscription(sub).status == .active)
            #expect(h.operationalEvents.isEmpty)
            // Still failing an hour after that: disabled, with the reason, and the operator hears of it.
            try await h.enqueue([H.event(5, flight: "E")], to: sub, at: Self.at(7300))
            _ = try await h.tick(Self.at(7300))
            let disabled = try await h.subscription(sub)
            #expect(disabled.status == .disabled)
            #expect(disabled.disabledReason?.contains("failed for") == true)
            #expect(h.operationalEvents.map(\.kind) == [.subscriptionDisabled])
        }
    }

    @Test("at most maxInFlight sends to one endpoint at once; the others wait without an attempt counted")
    func perEndpointConcurrencyCap() async throws {
        let inFlight = NIOLockedValueBox((now: 0, max: 0, total: 0))
        let router = Router()
        router.post("slow") { _, _ -> HTTPResponse.Status in
            inFlight.withLockedValue { $0.now += 1; $0.max = max($0.max, $0.now); $0.total += 1 }
            try await Task.sleep(for: .milliseconds(50))  // the receiver is slow; the test does not wait on it
            inFlight.withLockedValue { $0.now -= 1 }
            return .ok
        }
        try await LoopbackServer.withServer(router) { port in
            let store = try SQLiteStore.temporary()
            let transport = CurlTransport()
            defer { transport.shutdown() }
            let sub = Subscription(id: "sub_slow", ownerKeyId: H.owner, target: .init(kind: .callsign, id: "SQK*"), events: [.takeoff],
                                   notifyEndpoint: "http://127.0.0.1:\(port)/slow", createdAt: Self.t0)
            _ = try await store.create(sub, secret: SigningSecret(secret: H.secret, createdAt: Self.t0), idempotency: nil)
            let events = (1...8).map { H.event($0, flight: "F\($0)") }
            _ = try await store.enqueue(events.map { ($0, [sub.id]) }, now: Self.t0)
            var config = DispatcherConfiguration()
            config.retryPolicy = H.schedule
            let dispatcher = Dispatcher(store: store, transport: transport, endpointPolicy: H.loopback, configuration: config,
                                        limiter: EndpointLimiter(maxInFlight: 2))
            #expect(try await dispatcher.tick(now: Self.t0) == 8)
            #expect(inFlight.withLockedValue { $0.total } == 2, "two sent, six deferred")
            let afterFirst = try await store.deliveries(subscriptionId: sub.id, owner: H.owner, status: .pending, after: nil, limit: 100)
            #expect(afterFirst.items.count == 6)
            #expect(afterFirst.items.allSatisfy { $0.attempts == 0 }, "a deferral is not an attempt")
            var now = Self.t0
            for _ in 0..<10 {
                now = now.addingTimeInterval(1)
                try await dispatcher.tick(now: now)
            }
            let delivered = try await store.deliveries(subscriptionId: sub.id, owner: H.owner, status: .delivered, after: nil, limit: 100)
            #expect(delivered.items.count == 8)
            #expect(delivered.items.allSatisfy { $0.attempts == 1 })
            #expect(inFlight.withLockedValue { $0.max } <= 2)
            #expect(inFlight.withLockedValue { $0.total } == 8)
        }
    }

    @Test("410 to several deliveries of one batch: the subscription is disabled once and reported once")
    func goneInOneBatchReportsOnce() async throws {
        try await H.with(script: { _, _ in .status(410, body: "gone") }) { h in
            let sub = try await h.subscribe("gone-batch")
            let events = (1...3).map { H.event($0, flight: "F\($0)") }  // three flights: all claimed together
            try await h.enqueue(events, to: sub, at: Self.t0)
            #expect(try await h.tick(Self.t0) == 3)
            for e in events { #expect(try await h.delivery(e, of: sub).status == .failed) }
            #expect(try await h.subscription(sub).status == .disabled)
            let reported = h.operationalEvents
            #expect(reported.map(\.kind) == [.subscriptionDisabled], "one state change, one notice: \(reported)")
            #expect(reported.first?.subscriptionId == sub.id)
        }
    }

    @Test("404 disables a Discord subscription (the webhook was deleted); other formats retry",
          arguments: [(PayloadFormat.discord, true), (.json, false), (.slack, false)])
    func notFound(format: PayloadFormat, disables: Bool) async throws {
        try await H.with(script: { _, _ in .status(404, body: #"{"message": "Unknown Webhook", "code": 10015}"#) }) { h in
            let sub = try await h.subscribe("chat-\(format.rawValue)", format: format)
            let e = H.event(1, flight: "A")
            try await h.enqueue([e], to: sub, at: Self.t0)
            #expect(try await h.tick(Self.t0) == 1)
            let received = try #require(h.receiver.received.first)
            #expect(received.body == PayloadRenderer().render(e, format: format, subscriptionId: sub.id, sequence: 1))
            if format == .discord { #expect(received.json?["embeds"] is [Any]) }
            let d = try await h.delivery(e, of: sub)
            #expect(d.lastStatusCode == 404)
            if disables {
                #expect(d.status == .failed)
                let s = try await h.subscription(sub)
                #expect(s.status == .disabled)
                #expect(s.disabledReason?.contains("Discord") == true)
                #expect(h.operationalEvents.map(\.kind) == [.subscriptionDisabled])
            } else {
                #expect(d.status == .pending)
                #expect(d.nextAttemptAt == Self.at(5))
                #expect(try await h.subscription(sub).status == .active)
                #expect(h.operationalEvents.isEmpty)
            }
        }
    }

    @Test("a claim that ran out while its batch waited is not sent but handed back, due at once: it is never sent twice, nor held until its lease ends")
    func expiredClaimNotSent() async throws {
        try await H.with { h in
            let sub = try await h.subscribe("late")
            let events = (1...3).map { H.event($0, flight: "F\($0)") }
            try await h.enqueue(events, to: sub, at: Self.t0)
            let claimed = try await h.store.claim(limit: 10, now: Self.t0, lease: h.configuration.lease)
            #expect(claimed.count == 3)
            // The dispatcher's clock is past the claim's lease (minus its margin) when the batch's turn comes.
            let late = Self.t0.addingTimeInterval(h.configuration.lease.timeInterval - 1)
            let dispatcher = Dispatcher(store: h.store, transport: h.transport, endpointPolicy: H.loopback, configuration: h.configuration,
                                        now: { late })
            let (completions, _) = await dispatcher.send(claimed, now: Self.t0,
                                                          leaseEnds: Self.t0.addingTimeInterval(h.configuration.lease.timeInterval))
            #expect(h.receiver.count == 0, "nothing was sent")
            // Handed back, due at once, no attempt counted.
            #expect(completions.count == 3)
            #expect(completions.allSatisfy { $0.attempt.attempt == 0 })
            try await h.store.complete(completions)
            let back = try await h.delivery(events[0], of: sub)
            #expect(back.status == .pending)
            #expect(back.attempts == 0)
            #expect(back.nextAttemptAt == late)
            #expect(try await h.attempts(events[0], of: sub).isEmpty)
            // The next claim sends each once.
            #expect(try await h.tick(late) == 3)
            #expect(try await h.delivery(events[0], of: sub).status == .delivered)
            #expect(try await h.attempts(events[0], of: sub).map(\.attempt) == [1])
            #expect(h.receiver.count == 3)
        }
    }

    @Test("a claim that took most of its lease to come back (a stalled store) is not sent: the lease runs from before the claim; it is handed back and sent once on the next claim")
    func stalledClaimNotSent() async throws {
        try await H.with { h in
            let sub = try await h.subscribe("stalled")
            let events = (1...3).map { H.event($0, flight: "F\($0)") }
            try await h.enqueue(events, to: sub, at: Self.t0)
            let clock = NIOLockedValueBox(Self.t0)
            // The first claim's rows are leased from t0, and it returns 1 s before that lease ends.
            let lease = h.configuration.lease.timeInterval
            let store = StalledClaims(h.store, clock: clock, stall: lease - 1)
            let dispatcher = Dispatcher(store: store, transport: h.transport, endpointPolicy: H.loopback, configuration: h.configuration,
                                        now: { clock.withLockedValue { $0 } })
            let stopping = NIOLockedValueBox(false)
            let loop = Task { await dispatcher.pipeline(stopping: stopping) }
            defer { loop.cancel() }
            try await CrashRecoveryTests.wait("three deliveries", seconds: 30) { h.receiver.count >= 3 }
            try await CrashRecoveryTests.wait("their acknowledgements", seconds: 30) {
                // Read without the store's async API: the wait's condition is synchronous.
                store.completed.withLockedValue { $0 } >= 2
            }
            stopping.withLockedValue { $0 = true }
            dispatcher.wake()
            await loop.value
            #expect(h.receiver.count == 3, "each sent once")
            #expect(store.nonEmptyClaims.withLockedValue { $0 } == 2, "the stalled claim was handed back and claimed again")
            #expect(Set(h.receiver.received.compactMap(\.webhookId)) == Set(events.map(\.id)))
            for event in events {
                #expect(try await h.delivery(event, of: sub).status == .delivered)
                // One attempt, made on the second claim (at t0 + lease - 1), none on the stalled one.
                #expect(try await h.attempts(event, of: sub).map(\.at) == [Self.t0.addingTimeInterval(lease - 1)])
            }
        }
    }

    @Test("a send cannot outlive its claim: against a receiver that hangs, it times out when the lease (less its margin) would end")
    func sendWithinLease() async throws {
        try await H.with(script: { _, _ in .hang }) { h in
            let sub = try await h.subscribe("slow")
            let e = H.event(1, flight: "A")
            try await h.enqueue([e], to: sub, at: Self.t0)
            let claimed = try await h.store.claim(limit: 10, now: Self.t0, lease: h.configuration.lease)
            let dispatcher = Dispatcher(store: h.store, transport: h.transport, endpointPolicy: H.loopback, configuration: h.configuration)
            // The claim has 1 s left before its margin (a fifth of the 60 s lease): not the 15 s request timeout.
            let margin = h.configuration.lease.timeInterval / 5
            let started = ContinuousClock.now
            let (completions, _) = await dispatcher.send(claimed, now: Self.t0, leaseEnds: Date().addingTimeInterval(margin + 1))
            let took = ContinuousClock.now - started
            #expect(took < .seconds(8), "gave up with the claim, after \(took)")
            let attempt = try #require(completions.first?.attempt)
            #expect(attempt.error?.hasPrefix("timeout") == true, "\(attempt.error ?? "nil")")
            if case .retry = completions.first?.next {} else { Issue.record("a timed-out attempt is retried") }
        }
    }

    @Test("a delivery whose turn in the batch comes after the claim's deadline is not sent: handed back with no attempt")
    func turnAfterDeadlineNotSent() async throws {
        try await H.with(configure: { $0.concurrency = 1; $0.pipelineDepth = 1 }, script: { _, _ in .hang }) { h in
            let sub = try await h.subscribe("one-at-a-time")
            let events = [H.event(1, flight: "A"), H.event(2, flight: "B")]
            try await h.enqueue(events, to: sub, at: Self.t0)
            let claimed = try await h.store.claim(limit: 10, now: Self.t0, lease: h.configuration.lease)
            #expect(claimed.count == 2)
            let dispatcher = Dispatcher(store: h.store, transport: h.transport, endpointPolicy: H.loopback, configuration: h.configuration)
            // 1 s before the margin: the first send hangs until then, so the second's turn comes too late.
            let margin = h.configuration.lease.timeInterval / 5
            let (completions, _) = await dispatcher.send(claimed, now: Self.t0, leaseEnds: Date().addingTimeInterval(margin + 1))
            #expect(completions.filter { $0.attempt.attempt > 0 }.map(\.attempt.deliveryId) == [claimed[0].delivery.id], "only the first was attempted")
            #expect(completions.first?.attempt.error?.hasPrefix("timeout") == true)
            #expect(h.receiver.count == 1, "the second never reached the receiver")
            let handBack = try #require(completions.first { $0.attempt.deliveryId == claimed[1].delivery.id })
            #expect(handBack.attempt.attempt == 0, "handed back without an attempt")
            if case .retry = handBack.next {} else { Issue.record("handed back as due again") }
        }
    }

    @Test("an endpoint's in-flight slot is given back when its own send ends, not when its batch's slowest one does")
    func slotFreedPerRequest() async throws {
        try await H.with(script: { r, _ in r.path.hasSuffix("/slow") ? .hang : .status(200, body: "ok") }) { h in
            let slow = try await h.subscribe("slow")
            let fast = try await h.subscribe("fast")
            try await h.enqueue([H.event(1, flight: "A")], to: slow, at: Self.t0)
            try await h.enqueue([H.event(2, flight: "B")], to: fast, at: Self.t0)
            let claimed = try await h.store.claim(limit: 10, now: Self.t0, lease: h.configuration.lease)
            #expect(claimed.count == 2)
            let dispatcher = h.dispatcher()
            let margin = h.configuration.lease.timeInterval / 5
            let finished = NIOLockedValueBox(false)
            let batch = Task {
                // The hanging send ends at its deadline, 5 s from now.
                _ = await dispatcher.send(claimed, now: Self.t0, leaseEnds: Date().addingTimeInterval(margin + 5))
                finished.withLockedValue { $0 = true }
            }
            try await CrashRecoveryTests.wait("the fast receiver's answer", seconds: 30) { h.receiver.received(path: "/hooks/fast").count == 1 }
            try await CrashRecoveryTests.wait("the fast endpoint's slot back", seconds: 30) { dispatcher.inFlight(h.url("fast")) == 0 }
            #expect(!finished.withLockedValue { $0 }, "the slot came back while the batch still waited on the hanging receiver")
            #expect(dispatcher.inFlight(h.url("slow")) == 1)
            await batch.value
            #expect(dispatcher.inFlight(h.url("slow")) == 0)
        }
    }

    // MARK: Transport failures
    // MARK: Transport failures

    @Test("a receiver that never answers: the attempt times out, is recorded as such and retried later")
    func requestTimeout() async throws {
        // 3 s: long enough that the retry's quick 200 fits even on a loaded machine.
        try await H.with(configure: { $0.requestTimeout = .seconds(3) },
                         script: { _, earlier in earlier == 0 ? .hang : .status(200, body: "ok") }) { h in
            let sub = try await h.subscribe("hang")
            let e = H.event(1, flight: "A")
            try await h.enqueue([e], to: sub, at: Self.t0)
            #expect(try await h.tick(Self.t0) == 1)
            #expect(h.receiver.received(eventId: e.id).count == 1, "the request arrived; the answer never came")
            let d = try await h.delivery(e, of: sub)
            #expect(d.status == .pending)
            #expect(d.attempts == 1)
            #expect(d.lastStatusCode == nil)
            #expect(d.lastError?.hasPrefix("timeout") == true, "\(d.lastError ?? "nil")")
            #expect(d.nextAttemptAt == Self.at(5))
            let attempts = try await h.attempts(e, of: sub)
            #expect(attempts.count == 1)
            #expect(attempts.first?.statusCode == nil)
            #expect(attempts.first?.error?.hasPrefix("timeout") == true)

            #expect(try await h.tick(Self.at(5)) == 1)
            #expect(try await h.delivery(e, of: sub).status == .delivered)
            #expect(try await h.attempts(e, of: sub).map(\.statusCode) == [nil, 200])
        }
    }

    @Test("a redirect is a failed attempt and is not followed", arguments: [302, 307])
    func redirectIsNotFollowed(status: Int) async throws {
        try await H.with { h in
            h.receiver.answer { [port = h.port] r, _ in
                r.path == "/target" ? .status(200, body: "followed")
                    : .status(status, headers: [(name: "Location", value: "http://127.0.0.1:\(port)/target")])
            }
            let sub = try await h.subscribe("moved")
            let e = H.event(1, flight: "A")
            try await h.enqueue([e], to: sub, at: Self.t0)
            #expect(try await h.tick(Self.t0) == 1)
            #expect(h.receiver.received(path: "/target").isEmpty, "the redirect was followed")
            #expect(h.receiver.count == 1)
            let d = try await h.delivery(e, of: sub)
            #expect(d.status == .pending)
            #expect(d.attempts == 1)
            #expect(d.lastStatusCode == status)
            #expect(d.nextAttemptAt == Self.at(5))
        }
    }

    @Test("schedule exhausted: the delivery fails and the operator hears deliveryFailed; the subscription stays active")
    func scheduleExhausted() async throws {
        try await H.with(script: { _, _ in .status(500, body: "down") }) { h in
            let sub = try await h.subscribe("down")
            let e = H.event(1, flight: "A")
            try await h.enqueue([e], to: sub, at: Self.t0)
            let due = [0.0, 5, 305, 2105].map(Self.at)
            for (i, now) in due.enumerated() {
                #expect(try await h.tick(now) == 1)
                if i < 3 {
                    #expect(try await h.delivery(e, of: sub).status == .pending)
                    #expect(h.operationalEvents.isEmpty)
                }
            }
            let d = try await h.delivery(e, of: sub)
            #expect(d.status == .failed)
            #expect(d.attempts == 4)
            #expect(d.lastStatusCode == 500)
            #expect(d.completedAt == due[3])
            #expect(d.lastError?.contains("gave up after 4 attempts") == true, "\(d.lastError ?? "nil")")
            #expect(try await h.attempts(e, of: sub).map(\.attempt) == [1, 2, 3, 4])

            let op = try #require(h.operationalEvents.first)
            #expect(h.operationalEvents.count == 1)
            #expect(op.kind == .deliveryFailed)
            #expect(op.subscriptionId == sub.id)
            #expect(op.deliveryId == d.id)
            #expect(op.at == due[3])
            #expect(try await h.subscription(sub).status == .active)

            // Nothing more is sent.
            #expect(try await h.tick(Self.at(86_400)) == 0)
            #expect(h.receiver.count == 4)
        }
    }

    // MARK: Signatures during a rotation

    @Test("secret rotation: two signatures during the overlap, each verifying with its own secret; one after")
    func secretRotation() async throws {
        try await H.with { h in
            let old = H.otherSecret, new = H.secret
            let sub = try await h.subscribe("rotating", secret: old, createdAt: Self.at(-86_400))
            try await h.store.rotateSecret(id: sub.id, owner: H.owner, newSecret: SigningSecret(secret: new, createdAt: Self.t0),
                                           previousExpiresAt: Self.at(86_400))
            let during = H.event(1, flight: "A"), after = H.event(2, flight: "B")

            try await h.enqueue([during], to: sub, at: Self.at(60))
            #expect(try await h.tick(Self.at(60)) == 1)
            let r1 = try #require(h.receiver.received(eventId: during.id).first)
            let signatures = try #require(r1.header("webhook-signature")).split(separator: " ").map(String.init)
            #expect(signatures.count == 2)
            #expect(signatures.allSatisfy { $0.hasPrefix("v1,") })
            if signatures.count == 2 {
                #expect(H.verifies(r1, signature: signatures[0], secrets: [new], at: Self.at(60)), "current secret first")
                #expect(!H.verifies(r1, signature: signatures[0], secrets: [old], at: Self.at(60)))
                #expect(H.verifies(r1, signature: signatures[1], secrets: [old], at: Self.at(60)))
                #expect(!H.verifies(r1, signature: signatures[1], secrets: [new], at: Self.at(60)))
            }
            // A receiver that knows only one of the two secrets accepts the delivery.
            #expect(H.verifies(r1, secrets: [old], at: Self.at(60)))
            #expect(H.verifies(r1, secrets: [new], at: Self.at(60)))

            // After the overlap window: only the new secret signs.
            let later = Self.at(86_400 + 60)
            try await h.enqueue([after], to: sub, at: later)
            #expect(try await h.tick(later) == 1)
            let r2 = try #require(h.receiver.received(eventId: after.id).first)
            #expect(r2.header("webhook-signature")?.split(separator: " ").count == 1)
            #expect(H.verifies(r2, secrets: [new], at: later))
            #expect(!H.verifies(r2, secrets: [old], at: later))
        }
    }

    // MARK: Ordering

    @Test("per-flight order: a flight's second event waits until its first is delivered; another flight goes meanwhile")
    func perFlightOrder() async throws {
        let a1 = H.event(1, flight: "A"), a2 = H.event(2, flight: "A"), b1 = H.event(3, flight: "B")
        try await H.with(script: { r, earlier in r.webhookId == a1.id && earlier == 0 ? .status(500, body: "once") : .status(200, body: "ok") }) { h in
            let sub = try await h.subscribe("ordered")
            try await h.enqueue([a1, a2, b1], to: sub, at: Self.t0)

            // a1 fails, b1 (another flight) is delivered, a2 is not even claimed.
            #expect(try await h.tick(Self.t0) == 2)
            #expect(Set(h.receiver.received.compactMap(\.webhookId)) == [a1.id, b1.id])
            #expect(try await h.delivery(a1, of: sub).status == .pending)
            #expect(try await h.delivery(b1, of: sub).status == .delivered)
            let waiting = try await h.delivery(a2, of: sub)
            #expect(waiting.status == .pending)
            #expect(waiting.attempts == 0)

            // a1's retry is due; a2 is due too (since t0) but still waits behind it.
            #expect(try await h.tick(Self.at(5)) == 1)
            #expect(try await h.delivery(a1, of: sub).status == .delivered)
            #expect(h.receiver.received(eventId: a2.id).isEmpty)

            #expect(try await h.tick(Self.at(5)) == 1)
            #expect(try await h.delivery(a2, of: sub).status == .delivered)

            let ids = h.receiver.received.compactMap(\.webhookId)
            let lastA1 = try #require(ids.lastIndex(of: a1.id)), firstA2 = try #require(ids.firstIndex(of: a2.id))
            #expect(lastA1 < firstA2, "receiver saw \(ids)")
            let data = h.receiver.received(eventId: a2.id).first?.json?["data"] as? [String: Any]
            #expect((data?["sequence"] as? NSNumber)?.intValue == 2, "the second event of the subscription")
        }
    }

    // MARK: SSRF at connect time

    @Test("a host name resolving to a private address is refused at connect time without an allow-list")
    func ssrfRefusedAtConnect() async throws {
        try await H.with { h in
            var request = SubscriptionRequest()
            request.target = SubscriptionTarget(kind: .callsign, id: "SQK*")
            request.notifyEndpoint = "http://localhost:\(h.port)/hooks/ssrf"
            // The API would refuse it; stored directly, as if the allow-list had since been removed.
            #expect(throws: ValidationError.self) { _ = try SubscriptionRules().newSubscription(request, id: "x", owner: H.owner, now: Self.t0) }
            let refused = Subscription(id: "sub_dispatch_ssrf", ownerKeyId: H.owner, target: request.target!, events: [.takeoff],
                                       notifyEndpoint: "http://localhost:\(h.port)/hooks/ssrf", createdAt: Self.t0)
            _ = try await h.store.create(refused, secret: SigningSecret(secret: H.secret, createdAt: Self.t0), idempotency: nil)
            let e = H.event(1, flight: "A")
            try await h.enqueue([e], to: refused, at: Self.t0)

            #expect(try await h.tick(Self.t0, with: h.dispatcher(policy: EndpointPolicy())) == 1)
            #expect(h.receiver.count == 0, "the request reached the receiver")
            let d = try await h.delivery(e, of: refused)
            #expect(d.status == .failed, "refusal is permanent: retrying cannot help")
            #expect(d.attempts == 1)
            let attempt = try #require(try await h.attempts(e, of: refused).first)
            #expect(attempt.statusCode == nil)
            #expect(attempt.error?.contains("refused to connect") == true, "\(attempt.error ?? "nil")")
            #expect(attempt.error?.contains(":\(h.port)") == true, "names the refused address: \(attempt.error ?? "nil")")
            #expect(h.operationalEvents.map(\.kind) == [.deliveryFailed])

            // Control: the same kind of URL with the loopback allow-listed does reach the receiver,
            // so the refusal above was the policy's, not a failure to resolve or connect.
            let allowed = Subscription(id: "sub_dispatch_ssrf_allowed", ownerKeyId: H.owner, target: request.target!, events: [.takeoff],
                                       notifyEndpoint: "http://localhost:\(h.port)/hooks/ssrf-allowed", createdAt: Self.t0)
            _ = try await h.store.create(allowed, secret: SigningSecret(secret: H.secret, createdAt: Self.t0), idempotency: nil)
            let e2 = H.event(2, flight: "B")
            try await h.enqueue([e2], to: allowed, at: Self.at(1))
            #expect(try await h.tick(Self.at(1), with: h.dispatcher(policy: H.loopback)) == 1)
            #expect(try await h.delivery(e2, of: allowed).status == .delivered)
            #expect(h.receiver.received(path: "/hooks/ssrf-allowed").count == 1)
        }
    }
}

/// A delivery store whose first claim comes back `stall` seconds (of the test's clock) after it
/// was made, as when a claim waited for a pooled connection or behind a stalled writer; it counts
/// the acknowledgements the dispatcher makes.
final class StalledClaims: DeliveryStoreDecorator, Sendable {
    let base: any DeliveryStore
    let clock: NIOLockedValueBox<Date>
    let stall: NIOLockedValueBox<TimeInterval>
    let completed = NIOLockedValueBox(0)
    let nonEmptyClaims = NIOLockedValueBox(0)
    init(_ base: any DeliveryStore, clock: NIOLockedValueBox<Date>, stall: TimeInterval) {
        self.base = base
        self.clock = clock
        self.stall = NIOLockedValueBox(stall)
    }
    /// The first claim that returns anything stalls; later ones do not.
    func claim(limit: Int, now: Date, lease: Duration) async throws -> [ClaimedDelivery] {
        let claimed = try await base.claim(limit: limit, now: now, lease: lease)
        if !claimed.isEmpty {
            nonEmptyClaims.withLockedValue { $0 += 1 }
            let stall = self.stall.withLockedValue { stall in defer { stall = 0 }; return stall }
            clock.withLockedValue { $0 = now.addingTimeInterval(stall) }
        }
        return claimed
    }
    func complete(_ completions: [DeliveryCompletion]) async throws {
        try await base.complete(completions)
        completed.withLockedValue { $0 += 1 }
    }
}
