import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import SquawkCore
import SquawkServer
import SquawkStore
import Testing

/// The routes the console needs and API users get too: keys (admin only), pause, activity, payload.
@Suite("Keys, pause, activity and payload API")
struct AdminAPITests {
    @Test("keys: the admin creates (key shown once), lists, revokes; the new key works until revoked, and its subscriptions leave the matcher; a tenant key gets 403; bad input is a 422")
    func keys() async throws {
        let changes = NIOLockedValueBox<[String: SubscriptionStatus]>([:])
        let h = try await APIHarness(configure: { deps in
            deps.onChange = { change in if case .upserted(let s) = change { changes.withLockedValue { $0[s.id] = s.status } } }
        })
        try await h.app.test(.router) { client in
            let created = try await client.execute(uri: "/v1/keys", method: .post, headers: APIHarness.headers(), body: APIHarness.json(#"{"name": "ops bot"}"#)) { r in
                #expect(r.status == .created)
                return try r.object()
            }
            let key = try #require(created["key"] as? String)
            let id = try #require(created["id"] as? String)
            #expect(key.hasPrefix("sqk_"))
            #expect(created["prefix"] as? String == String(key.prefix(12)))
            let listed = try await client.execute(uri: "/v1/keys", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .ok)
                return try #require(try r.object()["data"] as? [[String: Any]])
            }
            #expect(listed.contains { $0["id"] as? String == id && $0["name"] as? String == "ops bot" })
            #expect(listed.allSatisfy { $0["key"] == nil }, "a listing never shows a key")
            // The new key is a tenant: its own empty list, and no keys business.
            try await client.execute(uri: "/v1/subscriptions", method: .get, headers: APIHarness.headers(key: key)) { r in #expect(r.status == .ok) }
            for (uri, method, body) in [("/v1/keys", HTTPRequest.Method.get, nil), ("/v1/keys", .post, #"{"name": "x"}"#), ("/v1/keys/\(id)", .delete, nil)] {
                try await client.execute(uri: uri, method: method, headers: APIHarness.headers(key: key), body: body.map(APIHarness.json)) { r in
                    #expect(r.status == .forbidden, "\(method) \(uri)")
                    let code = try r.problemCode()
                    #expect(code == "admin_only")
                }
            }
            for body in [#"{"name": ""}"#, #"{"name": "a", "role": "admin"}"#, #"{}"#, #"[1]"#] {
                try await client.execute(uri: "/v1/keys", method: .post, headers: APIHarness.headers(), body: APIHarness.json(body)) { r in
                    #expect(r.status == .unprocessableContent, "\(body)")
                }
            }
            let owned = try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(key: key),
                                                 body: APIHarness.json(createBody())) { r in try #require(try r.object()["id"] as? String) }
            #expect(changes.withLockedValue { $0[owned] } == .active)
            try await client.execute(uri: "/v1/keys/\(id)", method: .delete, headers: APIHarness.headers()) { r in #expect(r.status == .noContent) }
            #expect(changes.withLockedValue { $0[owned] } == .disabled, "the matcher was told the key's subscription is paused")
            try await client.execute(uri: "/v1/keys/\(id)", method: .delete, headers: APIHarness.headers()) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/v1/subscriptions", method: .get, headers: APIHarness.headers(key: key)) { r in #expect(r.status == .unauthorized) }
        }
    }

    @Test("pause disables a subscription with the reason \"paused\" (no test event then); enable brings it back; another key's pause is 404")
    func pause() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            let id = try await DeliveryAPITests.createSubscription(client)
            try await client.execute(uri: "/v1/subscriptions/\(id)/pause", method: .post, headers: APIHarness.headers(key: APIHarness.otherKey)) { r in
                #expect(r.status == .notFound)
            }
            let paused = try await client.execute(uri: "/v1/subscriptions/\(id)/pause", method: .post, headers: APIHarness.headers()) { r in
                #expect(r.status == .ok)
                return try r.object()
            }
            #expect(paused["status"] as? String == "disabled")
            #expect(paused["disabledReason"] as? String == "paused")
            try await client.execute(uri: "/v1/subscriptions/\(id)/test", method: .post, headers: APIHarness.headers()) { r in #expect(r.status == .conflict) }
            let stored = try #require(try await h.store.get(id: id, owner: "admin"))
            #expect(stored.status == .disabled)
            let enabled = try await client.execute(uri: "/v1/subscriptions/\(id)/enable", method: .post, headers: APIHarness.headers()) { r in try r.object() }
            #expect(enabled["status"] as? String == "active")
        }
    }

    @Test("activity counts the caller's finished deliveries per minute; the payload route renders a delivery's event in its format, for its owner only")
    func activityAndPayload() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            let id = try await DeliveryAPITests.createSubscription(client)
            try await client.execute(uri: "/v1/subscriptions/\(id)/test", method: .post, headers: APIHarness.headers()) { r in #expect(r.status == .accepted) }
            let claimed = try await h.store.claim(limit: 10, now: Date(), lease: .seconds(60))
            let delivery = try #require(claimed.first)
            try await h.store.complete([DeliveryCompletion(attempt: DeliveryAttempt(deliveryId: delivery.delivery.id, attempt: 1, at: Date(), statusCode: 204,
                                                                                    latencyMs: 2, responseSnippet: nil, error: nil), next: .delivered)])
            let activity = try await client.execute(uri: "/v1/activity?minutes=5", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .ok)
                return try r.object()
            }
            let minutes = try #require(activity["minutes"] as? [[String: Any]])
            #expect(minutes.map { $0["delivered"] as? Int } == [1])
            let theirs = try await client.execute(uri: "/v1/activity", method: .get, headers: APIHarness.headers(key: APIHarness.otherKey)) { r in try r.object() }
            #expect((theirs["minutes"] as? [Any])?.isEmpty == true)
            for bad in ["0", "1441", "x"] {
                try await client.execute(uri: "/v1/activity?minutes=\(bad)", method: .get, headers: APIHarness.headers()) { r in
                    #expect(r.status == .badRequest)
                }
            }
            let payload = try await client.execute(uri: "/v1/deliveries/\(delivery.delivery.id)/payload", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .ok)
                return try r.object()
            }
            #expect(payload["type"] as? String == "subscription.test")
            #expect((payload["data"] as? [String: Any])?["message"] as? String == "Test event from Squawk for subscription \(id)")
            try await client.execute(uri: "/v1/deliveries/\(delivery.delivery.id)/payload", method: .get, headers: APIHarness.headers(key: APIHarness.otherKey)) { r in
                #expect(r.status == .notFound)
            }
        }
    }

    @Test("Squawk-Tenant: the admin key acts for a tenant key (sees, changes and creates its subscriptions); a tenant may not use it; an unknown or revoked key is a 404")
    func actAsTenant() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            let tenant = APIHarness.headers(key: APIHarness.otherKey)
            let id = try await client.execute(uri: "/v1/subscriptions", method: .post, headers: tenant, body: APIHarness.json(createBody())) { r in
                #expect(r.status == .created)
                return try #require(try r.object()["id"] as? String)
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .notFound, "without the header the admin sees its own")
            }
            let asTenant = APIHarness.headers(key: APIHarness.adminKey, [(.squawkTenant, "key_other")])
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .get, headers: asTenant) { r in #expect(r.status == .ok) }
            let listed = try await client.execute(uri: "/v1/subscriptions", method: .get, headers: asTenant) { r in
                try #require(try r.object()["data"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            }
            #expect(listed == [id])
            try await client.execute(uri: "/v1/subscriptions/\(id)/pause", method: .post, headers: asTenant) { r in #expect(r.status == .ok) }
            #expect(try await h.store.get(id: id, owner: "key_other")?.status == .disabled)
            let made = try await client.execute(uri: "/v1/subscriptions", method: .post, headers: asTenant, body: APIHarness.json(createBody(callsign: "AAL1"))) { r in
                try #require(try r.object()["id"] as? String)
            }
            #expect(try await h.store.get(id: made, owner: "key_other") != nil, "created for the tenant")
            try await client.execute(uri: "/v1/keys", method: .get, headers: asTenant) { r in #expect(r.status == .forbidden, "acting as a tenant, not as the admin") }
            try await client.execute(uri: "/v1/subscriptions", method: .get,
                                     headers: APIHarness.headers(key: APIHarness.otherKey, [(.squawkTenant, "admin")])) { r in
                #expect(r.status == .forbidden)
                let code = try r.problemCode()
                #expect(code == "admin_only")
            }
            try await client.execute(uri: "/v1/subscriptions", method: .get, headers: APIHarness.headers(key: APIHarness.otherKey, [(.squawkTenant, "key_other")])) { r in
                #expect(r.status == .ok, "a key naming itself is itself")
            }
            try await client.execute(uri: "/v1/subscriptions", method: .get, headers: APIHarness.headers(key: APIHarness.adminKey, [(.squawkTenant, "key_nobody")])) { r in
                #expect(r.status == .notFound)
                let code = try r.problemCode()
                #expect(code == "tenant_not_found")
            }
            _ = try await h.store.revokeKey(id: "key_other", at: Date())
            try await client.execute(uri: "/v1/subscriptions", method: .get, headers: asTenant) { r in #expect(r.status == .notFound, "a revoked key") }
        }
    }
}
