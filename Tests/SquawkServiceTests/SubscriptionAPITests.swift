import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SquawkCore
import SquawkServer
import SquawkStore
import Testing

@Suite("Subscriptions REST API")
struct SubscriptionAPITests {
    @Test("create returns the secret once; get does not")
    func createAndGet() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            var id = ""
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(createBody())) { r in
                #expect(r.status == .created)
                let o = try r.object()
                id = try #require(o["id"] as? String)
                #expect((o["secret"] as? String)?.hasPrefix("whsec_") == true)
                #expect(r.headers[.location] == "/v1/subscriptions/\(id)")
                #expect(o["events"] as? [String] == ["flight.landing", "flight.takeoff"])
                #expect((o["target"] as? [String: Any])?["id"] as? String == "DAL40")
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .ok)
                let o = try r.object()
                #expect(o["secret"] == nil)
                #expect(o["status"] as? String == "active")
            }
        }
    }

    @Test("the validation matrix answers 4xx with its code and stores nothing", arguments: [
        (String(repeating: "a", count: 257 - "https://x.example/".count), "endpoint_too_long"),
        ("", "endpoint_required"),
        ("ftp://x.example/", "endpoint_scheme_not_allowed"),
        ("https://u:p@x.example/", "endpoint_userinfo_not_allowed"),
        ("http://127.1/", "endpoint_address_not_allowed"),
        ("http://0x7f000001/", "endpoint_address_not_allowed"),
        ("http://2130706433/", "endpoint_address_not_allowed"),
        ("http://[::1]/", "endpoint_address_not_allowed"),
        ("http://[::ffff:127.0.0.1]/", "endpoint_address_not_allowed"),
        ("http://169.254.169.254/", "endpoint_address_not_allowed"),
        ("http://[fc00::1]/", "endpoint_address_not_allowed"),
    ])
    func validationMatrix(_ endpoint: String, _ code: String) async throws {
        let h = try await APIHarness()
        let url = code == "endpoint_too_long" ? "https://x.example/" + endpoint : endpoint
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(createBody(endpoint: url))) { r in
                #expect(r.status == .unprocessableContent)
                do { let value = try r.problemCode(); #expect(value == code) }
            }
        }
        #expect(try await h.store.count() == 0)
    }

    @Test("256 characters are accepted")
    func exactly256() async throws {
        let h = try await APIHarness()
        let url = "https://x.example/" + String(repeating: "a", count: 256 - "https://x.example/".count)
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(createBody(endpoint: url))) { r in
                #expect(r.status == .created)
            }
        }
        #expect(try await h.store.count() == 1)
    }

    @Test("bad bodies and auth are clear 4xx problems", arguments: [
        ("{", 400, "json_invalid"),
        ("[]", 422, "body_invalid"),
        (#"{"target": {"kind": "airport", "id": "KLAX"}, "notifyEndpoint": "https://x.example/", "notifyEndpiont": "x"}"#, 422, "unknown_field"),
        (#"{"target": {"kind": "planet", "id": "x"}, "notifyEndpoint": "https://x.example/"}"#, 422, "target_kind_invalid"),
        (#"{"target": {"kind": "airport", "id": "ZZZZ"}, "notifyEndpoint": "https://x.example/"}"#, 422, "airport_unknown"),
        (#"{"target": {"kind": "airport", "id": "KLAX"}, "events": ["flight.teleport"], "notifyEndpoint": "https://x.example/"}"#, 422, "event_type_invalid"),
        (#"{"target": {"kind": "airport", "id": "KLAX"}, "events": ["flight.pilot_state"], "notifyEndpoint": "https://x.example/"}"#, 422, "event_type_not_for_target"),
        (#"{"target": {"kind": "server", "id": "Expert Server"}, "notifyEndpoint": "https://x.example/"}"#, 403, "server_subscriptions_disabled"),
        (#"{"target": {"kind": "flight", "id": "not-a-uuid"}, "notifyEndpoint": "https://x.example/"}"#, 422, "target_id_invalid"),
        (#"{"target": {"kind": "airport", "id": "KLAX"}, "notifyEndpoint": "https://x.example/", "format": "xml"}"#, 422, "format_invalid"),
        (#"{"notifyEndpoint": "https://x.example/"}"#, 422, "field_required"),
    ])
    func badBodies(_ body: String, _ status: Int, _ code: String) async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(body)) { r in
                #expect(r.status.code == status)
                do { let value = try r.problemCode(); #expect(value == code) }
            }
        }
        #expect(try await h.store.count() == 0)
    }

    @Test("no key, a wrong key and unknown routes are problems too")
    func auth() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions", method: .get, headers: APIHarness.headers(key: nil)) { r in
                #expect(r.status == .unauthorized)
                do { let value = try r.problemCode(); #expect(value == "unauthorized") }
            }
            try await client.execute(uri: "/v1/subscriptions", method: .get, headers: APIHarness.headers(key: "sqk_nope")) { r in
                #expect(r.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/nothing-here", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .notFound)
            }
            // A route that exists with another method: 405 naming the allowed ones.
            try await client.execute(uri: "/v1/subscriptions/sub_x/rotate-secret", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .methodNotAllowed)
                #expect(r.headers[.allow] == "POST")
                do { let value = try r.problemCode(); #expect(value == "method_not_allowed") }
            }
            try await client.execute(uri: "/healthz", method: .delete) { r in
                #expect(r.status == .methodNotAllowed)
                #expect(r.headers[.allow] == "GET")
            }
        }
    }

    @Test("a key sees and changes only its own subscriptions")
    func isolation() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            var id = ""
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(createBody())) { r in
                id = try #require(try r.object()["id"] as? String)
            }
            let other = APIHarness.headers(key: APIHarness.otherKey)
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .get, headers: other) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .patch, headers: other, body: APIHarness.json(#"{"format": "slack"}"#)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .delete, headers: other) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/subscriptions/\(id)/rotate-secret", method: .post, headers: other) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/subscriptions", method: .get, headers: other) { r in
                do { let data = try r.object()["data"] as? [Any]; #expect(data?.count == 0) }
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .get, headers: APIHarness.headers()) { #expect($0.status == .ok) }
        }
    }

    @Test("Idempotency-Key: a retry returns the same subscription, a different body conflicts")
    func idempotency() async throws {
        let h = try await APIHarness()
        let key: [(HTTPField.Name, String)] = [(HTTPField.Name("Idempotency-Key")!, "create-1")]
        try await h.app.test(.router) { client in
            var first = ""
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(key), body: APIHarness.json(createBody())) { r in
                #expect(r.status == .created)
                first = try #require(try r.object()["id"] as? String)
            }
            // Same body, different whitespace and key order.
            let same = #"{"format":"json","notifyEndpoint":"https://hooks.example.com/squawk","events":["flight.takeoff","flight.landing"],"target":{"id":"DAL40","kind":"callsign"}}"#
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(key), body: APIHarness.json(same)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
                let o = try r.object()
                #expect(o["id"] as? String == first)
                #expect(o["secret"] == nil)
            }
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(key), body: APIHarness.json(createBody(callsign: "BAW1"))) { r in
                #expect(r.status == .conflict)
                do { let value = try r.problemCode(); #expect(value == "idempotency_key_reused") }
            }
        }
        #expect(try await h.store.count() == 1)
    }

    @Test("cursor pagination walks every subscription once")
    func pagination() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            var created: [String] = []
            for i in 0..<7 {
                try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(createBody(callsign: "DAL\(i)"))) { r in
                    created.append(try #require(try r.object()["id"] as? String))
                }
            }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let uri = "/v1/subscriptions?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                try await client.execute(uri: uri, method: .get, headers: APIHarness.headers()) { r in
                    let o = try r.object()
                    let data = try #require(o["data"] as? [[String: Any]])
                    #expect(data.count <= 3)
                    seen += data.compactMap { $0["id"] as? String }
                    cursor = o["nextCursor"] as? String
                }
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen == created.sorted())
            try await client.execute(uri: "/v1/subscriptions?limit=0", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .badRequest)
                do { let value = try r.problemCode(); #expect(value == "invalid_query") }
            }
        }
    }

    @Test("dry run validates and describes, storing nothing")
    func dryRun() async throws {
        let h = try await APIHarness()
        let body = #"{"target": {"kind": "airport", "id": "KLAX"}, "events": ["flight.takeoff"], "notifyEndpoint": "https://x.example/", "server": "Expert Server"}"#
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions?dryRun=true", method: .post, headers: APIHarness.headers(), body: APIHarness.json(body)) { r in
                #expect(r.status == .ok)
                let o = try r.object()
                #expect(o["valid"] as? Bool == true)
                let watches = try #require(o["watches"] as? String)
                #expect(watches.contains("KLAX") && watches.contains("Expert Server"))
            }
        }
        #expect(try await h.store.count() == 0)
    }

    @Test("patch, rotate the secret with overlap, disable and re-enable, delete")
    func lifecycle() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            var id = ""
            var firstSecret = ""
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(createBody())) { r in
                let o = try r.object()
                id = try #require(o["id"] as? String)
                firstSecret = try #require(o["secret"] as? String)
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .patch, headers: APIHarness.headers(),
                                     body: APIHarness.json(#"{"format": "discord", "description": "ops", "events": []}"#)) { r in
                #expect(r.status == .ok)
                let o = try r.object()
                #expect(o["format"] as? String == "discord")
                #expect((o["events"] as? [String])?.count == TargetKind.callsign.defaultEvents.count)
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .patch, headers: APIHarness.headers(),
                                     body: APIHarness.json(#"{"notifyEndpoint": "http://10.0.0.1/"}"#)) { r in
                #expect(r.status == .unprocessableContent)
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)/rotate-secret", method: .post, headers: APIHarness.headers(),
                                     body: APIHarness.json(#"{"overlapSeconds": 3600}"#)) { r in
                #expect(r.status == .ok)
                let o = try r.object()
                #expect((o["secret"] as? String).map { $0 != firstSecret && $0.hasPrefix("whsec_") } == true)
            }
            let secrets = try await h.store.secrets(subscriptionId: id, now: Date())
            #expect(secrets.count == 2)
            #expect(secrets.last?.secret == firstSecret)
            try await h.store.setStatus(id: id, status: .disabled, reason: "410 Gone", at: Date())
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .get, headers: APIHarness.headers()) { r in
                do { let value = try r.object()["disabledReason"] as? String; #expect(value == "410 Gone") }
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)/enable", method: .post, headers: APIHarness.headers()) { r in
                do { let value = try r.object()["status"] as? String; #expect(value == "active") }
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .delete, headers: APIHarness.headers()) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .get, headers: APIHarness.headers()) { #expect($0.status == .notFound) }
        }
    }

    @Test("the OpenAPI document describes every route the server registers")
    func openAPICompleteness() async throws {
        let h = try await APIHarness()
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        #expect(doc["openapi"] as? String == "3.1.0")
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        #expect(h.routes.count >= 9)
        for route in h.routes {
            let methods = paths[route.path]
            #expect(methods?[route.method.lowercased()] != nil, "\(route) is missing from openapi.json")
        }
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body) == OpenAPIDocument.json)
            }
        }
    }
}
