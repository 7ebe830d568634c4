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

/// Transport failures, signatures, ordering and SSRF at connect time (real store, curl, loopback receiver).
extension DispatcherTests {
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
