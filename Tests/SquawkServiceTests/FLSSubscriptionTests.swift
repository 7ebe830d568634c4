import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SquawkCore
import SquawkServer
import Testing

/// Subscriptions to FLS targets through the REST API: what is accepted, what is refused (4xx with
/// a code, nothing stored), and how FLS events route.
@Suite("FLS subscriptions")
struct FLSSubscriptionTests {
    static let endpoint = "https://hooks.example.com/fls"

    static func body(_ kind: String, _ id: String, extra: String = "") -> String {
        #"{"target": {"kind": "\#(kind)", "id": "\#(id)"}, "notifyEndpoint": "\#(endpoint)"\#(extra)}"#
    }

    @Test("an fls_club subscription gets every FLS event type by default; an fls_flight id is normalised")
    func create() async throws {
        let h = try await APIHarness(flsInstances: ["club"])
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(),
                                     body: APIHarness.json(Self.body("fls_club", "Club", extra: #", "format": "discord""#))) { r in
                #expect(r.status == .created)
                let o = try r.object()
                #expect(Set(o["events"] as? [String] ?? []) == Set(EventType.fls.map(\.rawValue)))
                #expect((o["target"] as? [String: Any])?["id"] as? String == "club")
            }
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(),
                                     body: APIHarness.json(Self.body("fls_flight", "BA96B0F3-024B-4B3F-88C6-A8C6DA53E915",
                                                                     extra: #", "events": ["fls.takeoff", "fls.landing"]"#))) { r in
                #expect(r.status == .created)
                let o = try r.object()
                #expect((o["target"] as? [String: Any])?["id"] as? String == "ba96b0f3-024b-4b3f-88c6-a8c6da53e915")
                #expect(o["events"] as? [String] == ["fls.landing", "fls.takeoff"])
            }
        }
    }

    @Test("refusals are 4xx problems with a code, and nothing is stored", arguments: [
        (body("fls_club", "elsewhere"), "fls_instance_unknown"),
        (body("fls_flight", "not-a-uuid"), "target_id_invalid"),
        (body("fls_club", "club", extra: #", "events": ["flight.takeoff"]"#), "event_type_not_for_target"),
        (body("fls_club", "club", extra: #", "format": "flifo""#), "format_not_for_target"),
        (body("callsign", "DAL40", extra: #", "events": ["fls.takeoff"]"#), "event_type_not_for_target"),
        (body("airport", "KLAX", extra: #", "events": ["fls.landing"]"#), "event_type_not_for_target"),
    ])
    func refused(_ body: String, _ code: String) async throws {
        let h = try await APIHarness(flsInstances: ["club"])
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(body)) { r in
                #expect(r.status == .unprocessableContent)
                do { let value = try r.problemCode(); #expect(value == code) }
            }
        }
        #expect(try await h.store.count() == 0)
    }

    @Test("the unknown-instance message names the configured instances and nothing secret")
    func unknownInstanceMessage() async throws {
        let h = try await APIHarness(flsInstances: ["club", "north"])
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(),
                                     body: APIHarness.json(Self.body("fls_club", "south"))) { r in
                let detail = try r.object()["detail"] as? String ?? ""
                #expect(detail.contains("club, north"))
            }
        }
    }

    @Test("without FLS instances configured, FLS targets are refused")
    func notConfigured() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(),
                                     body: APIHarness.json(Self.body("fls_club", "club"))) { r in
                #expect(r.status == .unprocessableContent)
                do { let value = try r.problemCode(); #expect(value == "target_kind_unsupported") }
            }
        }
    }

    @Test("the OpenAPI document lists every event type a subscription can name")
    func openAPIEvents() throws {
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let schemas = (doc["components"] as? [String: Any])?["schemas"] as? [String: Any]
        let listed = ((schemas?["EventType"] as? [String: Any])?["enum"] as? [String]) ?? []
        #expect(Set(listed) == Set(EventType.allCases.filter { $0 != .subscriptionTest }.map(\.rawValue)))
    }

    @Test("FLS events route by flight id, leg id and club; Live API subscriptions never get them, nor FLS ones Live API events")
    func routing() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        func sub(_ id: String, _ kind: TargetKind, _ target: String) -> Subscription {
            Subscription(id: id, ownerKeyId: "k", target: .init(kind: kind, id: target), events: kind.defaultEvents,
                         notifyEndpoint: Self.endpoint, createdAt: t0)
        }
        let m = Matcher([
            sub("club", .flsClub, "club"), sub("north", .flsClub, "north"),
            sub("flight", .flsFlight, "ba96b0f3-024b-4b3f-88c6-a8c6da53e915"),
            sub("leg", .flsFlight, "7124dc54-4f4d-4dde-889e-d6e22a90c647"),
            sub("server", .server, "Expert Server"), sub("callsign", .callsign, "*"),
        ])
        let fls = FlightEvent(id: "e1", type: .flsTakeoff, at: t0, server: ServerRef(id: "fls:club", name: "club"),
                              flightId: "BA96B0F3-024B-4B3F-88C6-A8C6DA53E915",
                              data: ["leg": "glider", "legFlightId": "7124dc54-4f4d-4dde-889e-d6e22a90c647"])
        #expect(Set(m.match(fls)) == ["club", "flight", "leg"])
        let live = FlightEvent(id: "e2", type: .takeoff, at: t0, server: ServerRef(id: "x", name: "Expert Server"),
                               flightId: "ba96b0f3-024b-4b3f-88c6-a8c6da53e915", callsign: "DAL40")
        #expect(Set(m.match(live)) == ["server", "callsign"], "a catch-all callsign pattern gets Live API events, never FLS ones")
    }
}
