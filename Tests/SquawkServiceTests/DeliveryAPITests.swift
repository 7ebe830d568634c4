import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SquawkCore
import SquawkServer
import SquawkStore
import Testing

@Suite("Delivery log API")
struct DeliveryAPITests {
    /// Creates a subscription as the admin and returns its id.
    static func createSubscription(_ client: some TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(),
                                 body: APIHarness.json(createBody())) { r in
            #expect(r.status == .created)
            return try #require(try r.object()["id"] as? String)
        }
    }

    @Test("a test event is enqueued, listed, shown with its attempts, redelivered; others' keys see 404")
    func testEventLifecycle() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            let id = try await Self.createSubscription(client)
            let eventId = try await client.execute(uri: "/v1/subscriptions/\(id)/test", method: .post, headers: APIHarness.headers()) { r in
                #expect(r.status == .accepted)
                return try #require(try r.object()["eventId"] as? String)
            }
            let deliveryId = try await client.execute(uri: "/v1/subscriptions/\(id)/deliveries", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .ok)
                let data = try #require(try r.object()["data"] as? [[String: Any]])
                #expect(data.count == 1)
                #expect(data.first?["eventId"] as? String == eventId)
                #expect(data.first?["status"] as? String == "pending")
                #expect(data.first?["sequence"] as? Int == 1)
                return try #require(data.first?["id"] as? String)
            }
            try await client.execute(uri: "/v1/deliveries/\(deliveryId)", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .ok)
                let log = try #require(try r.object()["attemptLog"] as? [Any])
                #expect(log.isEmpty)
            }
            // Another key: not found, for every delivery route.
            let other = APIHarness.headers(key: APIHarness.otherKey)
            for (uri, method) in [("/v1/deliveries/\(deliveryId)", HTTPRequest.Method.get), ("/v1/deliveries/\(deliveryId)/redeliver", .post),
                                  ("/v1/subscriptions/\(id)/deliveries", .get), ("/v1/subscriptions/\(id)/test", .post),
                                  ("/v1/subscriptions/\(id)/recover?since=0", .post)] {
                try await client.execute(uri: uri, method: method, headers: other) { r in
                    #expect(r.status == .notFound, "\(method) \(uri)")
                }
            }
            try await client.execute(uri: "/v1/deliveries/\(deliveryId)/redeliver", method: .post, headers: APIHarness.headers()) { r in
                #expect(r.status == .accepted)
            }
        }
    }

    @Test("recover requeues failed deliveries since a time; bad input is a 400 problem")
    func recover() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            let id = try await Self.createSubscription(client)
            try await client.execute(uri: "/v1/subscriptions/\(id)/test", method: .post, headers: APIHarness.headers()) { r in
                #expect(r.status == .accepted)
            }
            // The dispatcher gives up on it.
            let claimed = try await h.store.claim(limit: 10, now: Date(), lease: .seconds(60))
            let c = try #require(claimed.first)
            try await h.store.complete([DeliveryCompletion(
                attempt: DeliveryAttempt(deliveryId: c.delivery.id, attempt: 1, at: Date(), statusCode: 500, latencyMs: 3, responseSnippet: "no", error: nil),
                next: .failed)])
            for bad in ["", "yesterday", "-5"] {
                try await client.execute(uri: "/v1/subscriptions/\(id)/recover?since=\(bad)", method: .post, headers: APIHarness.headers()) { r in
                    #expect(r.status == .badRequest)
                    do { let value = try r.problemCode(); #expect(value == "invalid_query") }
                }
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)/deliveries?status=failed", method: .get, headers: APIHarness.headers()) { r in
                let data = try #require(try r.object()["data"] as? [[String: Any]])
                #expect(data.count == 1)
                #expect(data.first?["lastStatusCode"] as? Int == 500)
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)/recover?since=2000-01-01T00:00:00Z", method: .post, headers: APIHarness.headers()) { r in
                #expect(r.status == .accepted)
                do { let requeued = try r.object()["requeued"] as? Int; #expect(requeued == 1) }
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)/deliveries?status=pending", method: .get, headers: APIHarness.headers()) { r in
                let data = try #require(try r.object()["data"] as? [[String: Any]])
                #expect(data.count == 1)
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)/deliveries?status=lost", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .badRequest)
            }
        }
    }
}
