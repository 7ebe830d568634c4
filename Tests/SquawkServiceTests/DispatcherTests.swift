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
}
