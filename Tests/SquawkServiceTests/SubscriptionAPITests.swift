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

    @Test("maxPerMinute and maxAge: set on create, shown, cleared with null; out-of-range values are 422s with their code", arguments: [
        (#", "maxPerMinute": 0"#, "max_per_minute_invalid"), (#", "maxPerMinute": 2.5"#, "max_per_minute_invalid"),
        (#", "maxPerMinute": "10""#, "max_per_minute_invalid"), (#", "maxAge": 5"#, "max_age_invalid"),
        (#", "maxAge": 9999999"#, "max_age_invalid"),
    ])
    func deliveryOptions(_ bad: String, _ code: String) async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            var id = ""
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(),
                                     body: APIHarness.json(createBody(extra: #", "maxPerMinute": 10, "maxAge": 600"#))) { r in
                #expect(r.status == .created)
                let o = try r.object()
                id = try #require(o["id"] as? String)
                #expect(o["maxPerMinute"] as? Int == 10)
                #expect(o["maxAge"] as? Int == 600)
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .patch, headers: APIHarness.headers(),
                                     body: APIHarness.json(#"{"maxAge": null}"#)) { r in
                #expect(r.status == .ok)
                let o = try r.object()
                #expect(o["maxAge"] is NSNull)
                #expect(o["maxPerMinute"] as? Int == 10)
            }
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(createBody(extra: bad))) { r in
                #expect(r.status == .unprocessableContent)
                let problem = try r.problemCode()
                #expect(problem == code)
            }
        }
        #expect(try await h.store.count() == 1)
        let stored = try await h.store.allActive().first
        #expect(stored?.delivery == DeliveryOptions(maxPerMinute: 10, maxAge: nil))
    }

    @Test("mentions: set on a discord subscription and shown; a format that cannot carry them is refused; null removes them")
    func mentions() async throws {
        let h = try await APIHarness()
        let body = #"{"target": {"kind": "callsign", "id": "DAL40"}, "notifyEndpoint": "https://discord.com/api/webhooks/1/abc", "format": "discord", "mentions": {"roles": ["123456789012345678"], "events": ["flight.online"]}}"#
        try await h.app.test(.router) { client in
            var id = ""
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(body)) { r in
                #expect(r.status == .created)
                let o = try r.object()
                id = try #require(o["id"] as? String)
                let m = try #require(o["mentions"] as? [String: Any])
                #expect(m["roles"] as? [String] == ["123456789012345678"])
                #expect(m["events"] as? [String] == ["flight.online"])
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .patch, headers: APIHarness.headers(), body: APIHarness.json(#"{"format": "json"}"#)) { r in
                #expect(r.status == .unprocessableContent)
                let code = try r.problemCode()
                #expect(code == "mentions_not_for_format")
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .patch, headers: APIHarness.headers(),
                                     body: APIHarness.json(#"{"format": "json", "mentions": null}"#)) { r in
                #expect(r.status == .ok)
                let o = try r.object()
                #expect(o["mentions"] is NSNull)
            }
        }
    }

    @Test("card: live on a discord subscription is stored and shown; on slack, or an unknown mode, a 422 with its code; a new format must still suit it; null removes it")
    func card() async throws {
        let h = try await APIHarness()
        let base = #"{"target": {"kind": "callsign", "id": "DAL40"}, "notifyEndpoint": "https://discord.com/api/webhooks/1/abc", "format": "#
        try await h.app.test(.router) { client in
            for (body, code) in [(base + #""slack", "card": "live"}"#, "card_not_for_format"), (base + #""discord", "card": "big"}"#, "card_invalid"),
                                 (base + #""discord", "card": 1}"#, "card_invalid")] {
                try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(body)) { r in
                    #expect(r.status == .unprocessableContent)
                    let got = try r.problemCode()
                    #expect(got == code)
                }
            }
            var id = ""
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(),
                                     body: APIHarness.json(base + #""discord", "card": "live"}"#)) { r in
                #expect(r.status == .created)
                let o = try r.object()
                id = try #require(o["id"] as? String)
                #expect(o["card"] as? String == "live")
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .patch, headers: APIHarness.headers(), body: APIHarness.json(#"{"format": "slack"}"#)) { r in
                #expect(r.status == .unprocessableContent)
                let got = try r.problemCode()
                #expect(got == "card_not_for_format")
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .get, headers: APIHarness.headers()) { r in
                let o = try r.object()
                #expect(o["card"] as? String == "live", "the refused change left it as it was")
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .patch, headers: APIHarness.headers(),
                                     body: APIHarness.json(#"{"format": "slack", "card": null}"#)) { r in
                #expect(r.status == .ok)
                let o = try r.object()
                #expect(o["card"] is NSNull)
                #expect(o["format"] as? String == "slack")
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
        (#"{"target": {"kind": "airport", "id": "KLAX"}, "events": [], "notifyEndpoint": "https://x.example/"}"#, 422, "events_empty"),
        (#"{"target": {"kind": "airport", "id": "KLAX"}, "filters": {"direcion": "departures"}, "notifyEndpoint": "https://x.example/"}"#, 422, "unknown_field"),
        (#"{"target": {"kind": "airport", "id": "KLAX"}, "filters": [], "notifyEndpoint": "https://x.example/"}"#, 422, "field_type"),
        (#"{"target": {"kind": "airport", "id": "KLAX"}, "filters": {"frequencyTypes": ["radar"]}, "notifyEndpoint": "https://x.example/"}"#, 422, "filter_invalid"),
        (#"{"target": {"kind": "airport", "id": "KLAX"}, "filters": {"frequencyTypes": []}, "notifyEndpoint": "https://x.example/"}"#, 422, "filter_invalid"),
        (#"{"target": {"kind": "airport", "id": "KLAX"}, "filters": {"direction": "sideways"}, "notifyEndpoint": "https://x.example/"}"#, 422, "filter_invalid"),
        (#"{"target": {"kind": "callsign", "id": "DAL*"}, "filters": {"direction": "departures"}, "notifyEndpoint": "https://x.example/"}"#, 422, "filter_not_for_target"),
        (#"{"target": {"kind": "callsign", "id": "DAL*"}, "events": ["flight.takeoff"], "filters": {"landing": {"maxVerticalSpeed": -600}}, "notifyEndpoint": "https://x.example/"}"#, 422, "filter_not_for_events"),
        (#"{"target": {"kind": "airport", "id": "KLAX"}, "events": ["flight.takeoff"], "filters": {"frequencyTypes": ["tower"]}, "notifyEndpoint": "https://x.example/"}"#, 422, "filter_not_for_events"),
        (#"{"target": {"kind": "airport", "id": "KLAX"}, "events": ["atc.opened"], "filters": {"origin": ["KSFO"]}, "notifyEndpoint": "https://x.example/"}"#, 422, "filter_not_for_events"),
        (#"{"target": {"kind": "callsign", "id": "DAL*"}, "filters": {"landing": {"minVerticalSpeed": -100, "maxVerticalSpeed": -600}}, "notifyEndpoint": "https://x.example/"}"#, 422, "filter_invalid"),
        (#"{"target": {"kind": "callsign", "id": "DAL*"}, "filters": {"landing": {}}, "notifyEndpoint": "https://x.example/"}"#, 422, "filter_invalid"),
        (#"{"target": {"kind": "callsign", "id": "DAL*"}, "filters": {"landing": {"maxVerticalSpeed": "hard"}}, "notifyEndpoint": "https://x.example/"}"#, 422, "filter_invalid"),
        (#"{"target": {"kind": "callsign", "id": "DAL*"}, "filters": {"destination": ["EGL"]}, "notifyEndpoint": "https://x.example/"}"#, 422, "filter_invalid"),
        (#"{"target": {"kind": "callsign", "id": "DAL*"}, "filters": {"destination": ["ZZZZ"]}, "notifyEndpoint": "https://x.example/"}"#, 422, "airport_unknown"),
        (#"{"target": {"kind": "callsign", "id": "DAL*"}, "filters": {"virtualOrganization": "*"}, "notifyEndpoint": "https://x.example/"}"#, 422, "filter_invalid"),
        (#"{"target": {"kind": "callsign", "id": "DAL*"}, "filters": {"aircraft": ["A350", 7]}, "notifyEndpoint": "https://x.example/"}"#, 422, "field_type"),
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

    @Test("Idempotency-Key: a retry returns exactly the first answer, secret included; a different body conflicts")
    func idempotency() async throws {
        let h = try await APIHarness()
        let key: [(HTTPField.Name, String)] = [(HTTPField.Name("Idempotency-Key")!, "create-1")]
        try await h.app.test(.router) { client in
            let (first, firstBody) = try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(key),
                                                              body: APIHarness.json(createBody())) { r in
                #expect(r.status == .created)
                return (try #require(try r.object()["id"] as? String), String(buffer: r.body))
            }
            // Same body, different whitespace and key order.
            let same = #"{"format":"json","notifyEndpoint":"https://hooks.example.com/squawk","events":["flight.takeoff","flight.landing"],"target":{"id":"DAL40","kind":"callsign"}}"#
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(key), body: APIHarness.json(same)) { r in
                // Exactly the first answer, secret included: a client whose first answer was lost
                // can still verify signatures.
                #expect(r.status == .created)
                #expect(r.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
                let o = try r.object()
                #expect(o["id"] as? String == first)
                #expect(o["secret"] as? String != nil)
                #expect(String(buffer: r.body) == firstBody)
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

    @Test("filters: stored and shown, described by the dry run, replaced and cleared by PATCH, rechecked against new events")
    func filtersLifecycle() async throws {
        let h = try await APIHarness()
        let body = #"{"target": {"kind": "airport", "id": "klax"}, "events": ["flight.takeoff", "flight.landing"], "notifyEndpoint": "https://x.example/", "filters": {"direction": "departures", "aircraft": ["A350"], "destination": ["egll"]}}"#
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions?dryRun=true", method: .post, headers: APIHarness.headers(), body: APIHarness.json(body)) { r in
                #expect(r.status == .ok)
                let watches = try #require(try r.object()["watches"] as? String)
                #expect(watches.contains("departures only") && watches.contains("bound for EGLL") && watches.contains("aircraft A350"))
            }
            var id = ""
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(body)) { r in
                #expect(r.status == .created)
                let o = try r.object()
                id = try #require(o["id"] as? String)
                let filters = try #require(o["filters"] as? [String: Any])
                #expect(filters["direction"] as? String == "departures")
                #expect(filters["destination"] as? [String] == ["EGLL"])
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .get, headers: APIHarness.headers()) { r in
                let filters = try #require(try r.object()["filters"] as? [String: Any])
                #expect(filters["aircraft"] as? [String] == ["A350"])
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .patch, headers: APIHarness.headers(),
                                     body: APIHarness.json(#"{"filters": {"landing": {"maxVerticalSpeed": -600}}}"#)) { r in
                #expect(r.status == .ok)
                let filters = try #require(try r.object()["filters"] as? [String: Any])
                #expect(filters["direction"] == nil)
                #expect((filters["landing"] as? [String: Any])?["maxVerticalSpeed"] as? Double == -600)
            }
            // Dropping the landings would leave the landing filter with nothing to filter.
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .patch, headers: APIHarness.headers(),
                                     body: APIHarness.json(#"{"events": ["flight.takeoff"]}"#)) { r in
                #expect(r.status == .unprocessableContent)
                let code = try r.problemCode(); #expect(code == "filter_not_for_events")
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .patch, headers: APIHarness.headers(),
                                     body: APIHarness.json(#"{"filters": null}"#)) { r in
                #expect(r.status == .ok)
                let o = try r.object(); #expect(o["filters"] is NSNull)
            }
            let stored = try #require(try await h.store.get(id: id, owner: "admin"))
            #expect(stored.filters.isEmpty)
        }
    }

    @Test("server targets: a contradicting server field and a server field on FLS targets are refused")
    func serverFieldConflicts() async throws {
        let h = try await APIHarness(flsInstances: ["demo"])
        try await h.app.test(.router) { client in
            for body in [#"{"target": {"kind": "fls_club", "id": "demo"}, "server": "Expert Server", "notifyEndpoint": "https://x.example/"}"#] {
                try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(body)) { r in
                    #expect(r.status == .unprocessableContent)
                    let code = try r.problemCode(); #expect(code == "server_not_for_target")
                }
            }
        }
        let rules = SubscriptionRules(allowServerTargets: true)
        var request = SubscriptionRequest()
        request.target = SubscriptionTarget(kind: .server, id: "Expert Server")
        request.notifyEndpoint = "https://x.example/"
        request.server = .some("Casual Server")
        #expect(throws: ValidationError.self) { try rules.newSubscription(request, id: "s", owner: "k", now: Date()) }
        request.server = .some("expert server")
        #expect(try rules.newSubscription(request, id: "s", owner: "k", now: Date()).server == "expert server")
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
                                     body: APIHarness.json(#"{"format": "discord", "description": "ops", "events": null}"#)) { r in
                #expect(r.status == .ok)
                let o = try r.object()
                #expect(o["format"] as? String == "discord")
                #expect((o["events"] as? [String])?.count == TargetKind.callsign.defaultEvents.count)
            }
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .patch, headers: APIHarness.headers(),
                                     body: APIHarness.json(#"{"events": []}"#)) { r in
                #expect(r.status == .unprocessableContent)
                let code = try r.problemCode(); #expect(code == "events_empty")
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

    @Test("a misspelt query parameter is a 400 unknown_parameter naming it, and nothing is created")
    func unknownQueryParameter() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions?dryrun=true", method: .post, headers: APIHarness.headers(), body: APIHarness.json(createBody())) { r in
                #expect(r.status == .badRequest)
                let code = try r.problemCode()
                #expect(code == "unknown_parameter")
                let field = try r.object()["field"] as? String
                #expect(field == "dryrun")
            }
            try await client.execute(uri: "/v1/subscriptions", method: .get, headers: APIHarness.headers()) { r in
                let data = try r.object()["data"] as? [Any]
                #expect(data?.isEmpty == true)
            }
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
