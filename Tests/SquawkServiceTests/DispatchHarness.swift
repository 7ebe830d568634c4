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
