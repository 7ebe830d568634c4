import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SquawkCore
import SquawkServer
import SquawkStore
import SquawkTesting
import Testing

/// Content filters from the REST API to a received webhook: each filter with an event that
/// passes it and one that does not, through validation, the store, the live matcher, the outbox
/// and the dispatcher to a loopback receiver.
@Suite("Subscription filters: REST to webhook")
struct SubscriptionFilterTests {
    static let expert = ServerRef(id: "7e5dcd44-1fb5-49cc-bc2c-a9aab1f6a856", name: "Expert Server")
    static let casual = ServerRef(id: "d01006e4-3114-473c-8f69-020b89d02884", name: "Casual Server")
    static let training = ServerRef(id: "6a04ffe8-765a-4925-af26-d88029eeadba", name: "Training Server")

    /// Creates each `(name, body)` subscription through the API (its endpoint is `/hooks/<name>`),
    /// publishes `events` through the live matcher and the outbox, dispatches, and returns the
    /// event ids each receiver path got.
    static func deliver(_ subscriptions: [(name: String, body: String)], _ events: [FlightEvent]) async throws -> [String: Set<String>] {
        try await DispatchHarness.with { h in
            let live = LiveSubscriptions()
            var rules = h.rules
            rules.allowServerTargets = true
            let deps = APIDependencies(subscriptions: h.store, keys: h.store, rules: rules,
                                       adminKeyHash: KeyHash.sha256Hex(APIHarness.adminKey),
                                       onChange: { live.apply($0) }, deliveries: h.store)
            let app = Application(router: APIRouter.make(deps).router)
            try await app.test(.router) { client in
                for (name, body) in subscriptions {
                    let full = body.replacingOccurrences(of: "$URL", with: h.url(name))
                    try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(),
                                             body: APIHarness.json(full)) { r in
                        #expect(r.status == .created, "\(name): \(String(buffer: r.body))")
                    }
                }
            }
            let now = Date()
            let pipeline = EventPipeline(deliveries: h.store, subscriptions: h.store, live: live)
            let created = try await pipeline.publish(events.map { var e = $0; e.at = now; return e }, now: now)
            let dispatcher = h.dispatcher()
            var sent = 0
            for _ in 0..<20 where sent < created { sent += try await dispatcher.tick(now: Date()) }
            #expect(sent == created)
            var got: [String: Set<String>] = [:]
            for r in h.receiver.received {
                got[String(r.path.dropFirst("/hooks/".count)), default: []].insert(r.webhookId ?? "?")
            }
            return got
        }
    }

    static func event(_ id: String, _ type: EventType, server: ServerRef = expert, callsign: String = "DAL40",
                      vo: String? = nil, airport: String? = "KLAX", data: [String: JSONValue] = [:]) -> FlightEvent {
        FlightEvent(id: "evt_\(id)", type: type, at: Date(), server: server, flightId: "f-\(id)", userId: "u1",
                    username: "pilot", callsign: callsign, virtualOrganization: vo, airport: airport, data: data)
    }

    static func atc(_ id: String, kind: FrequencyKind, airport: String = "KLAX") -> FlightEvent {
        FlightEvent(id: "evt_\(id)", type: .atcOpened, at: Date(), server: expert, userId: "u9", username: "controller",
                    airport: airport, frequencyId: "freq-\(id)", data: ["frequencyKind": .string(kind.rawValue)])
    }

    @Test("server targets receive only their own server's events, by name or by id")
    func serverTargets() async throws {
        let events = [Self.event("e", .takeoff, server: Self.expert), Self.event("c", .takeoff, server: Self.casual),
                      Self.event("t", .takeoff, server: Self.training)]
        let got = try await Self.deliver([
            ("byName", #"{"target": {"kind": "server", "id": "expert server"}, "events": ["flight.takeoff"], "notifyEndpoint": "$URL"}"#),
            ("byId", #"{"target": {"kind": "server", "id": "\#(Self.casual.id)"}, "events": ["flight.takeoff"], "notifyEndpoint": "$URL"}"#),
        ], events)
        #expect(got["byName"] == ["evt_e"])
        #expect(got["byId"] == ["evt_c"])
    }

    @Test("frequencyTypes: tower and approach openings at the airport, not ground")
    func frequencyTypes() async throws {
        let got = try await Self.deliver([
            ("atc", #"{"target": {"kind": "airport", "id": "KLAX"}, "events": ["atc.opened"], "filters": {"frequencyTypes": ["tower", "Approach"]}, "notifyEndpoint": "$URL"}"#),
        ], [Self.atc("twr", kind: .tower), Self.atc("app", kind: .approach), Self.atc("gnd", kind: .ground)])
        #expect(got["atc"] == ["evt_twr", "evt_app"])
    }

    @Test("virtualOrganization: exact or prefix, ignoring case; a flight without one does not pass")
    func virtualOrganization() async throws {
        let events = [Self.event("a", .takeoff, vo: "IFAE"), Self.event("b", .takeoff, vo: "ifae-cargo"),
                      Self.event("c", .takeoff, vo: "Qatar VA"), Self.event("d", .takeoff, vo: nil)]
        let got = try await Self.deliver([
            ("exact", #"{"target": {"kind": "callsign", "id": "DAL*"}, "events": ["flight.takeoff"], "filters": {"virtualOrganization": "ifae"}, "notifyEndpoint": "$URL"}"#),
            ("prefix", #"{"target": {"kind": "callsign", "id": "DAL*"}, "events": ["flight.takeoff"], "filters": {"virtualOrganization": "IFAE*"}, "notifyEndpoint": "$URL"}"#),
        ], events)
        #expect(got["exact"] == ["evt_a"])
        #expect(got["prefix"] == ["evt_a", "evt_b"])
    }

    @Test("direction: departures are takeoffs from and plans out of the airport; arrivals the landings, approaches, diversions and plans in")
    func direction() async throws {
        let events = [
            Self.event("takeoff", .takeoff), Self.event("landing", .landing, data: ["touchdownRate": -200, "groundSpeed": 20]),
            Self.event("approach", .approaching),
            Self.event("planOut", .planFiled, airport: "KSFO", data: ["origin": "KLAX", "destination": "KSFO"]),
            Self.event("planIn", .planFiled, data: ["origin": "KSFO", "destination": "KLAX"]),
            Self.event("divertIn", .diverted, data: ["previousDestination": "KSFO", "destination": "KLAX"]),
            Self.event("divertOut", .diverted, airport: "KSFO", data: ["previousDestination": "KLAX", "destination": "KSFO"]),
        ]
        let events2 = #""events": ["flight.takeoff", "flight.landing", "flight.approaching", "flight.plan_filed", "flight.diverted"]"#
        let got = try await Self.deliver([
            ("departures", #"{"target": {"kind": "airport", "id": "KLAX"}, \#(events2), "filters": {"direction": "departures"}, "notifyEndpoint": "$URL"}"#),
            ("arrivals", #"{"target": {"kind": "airport", "id": "KLAX"}, \#(events2), "filters": {"direction": "arrivals"}, "notifyEndpoint": "$URL"}"#),
            ("both", #"{"target": {"kind": "airport", "id": "KLAX"}, \#(events2), "filters": {"direction": "both"}, "notifyEndpoint": "$URL"}"#),
        ], events)
        #expect(got["departures"] == ["evt_takeoff", "evt_planOut"])
        #expect(got["arrivals"] == ["evt_landing", "evt_approach", "evt_planIn", "evt_divertIn"])
        #expect(got["both"] == Set(events.map(\.id)))
    }

    @Test("origin and destination: from the flight plan; a flight without a plan does not pass")
    func originAndDestination() async throws {
        let events = [Self.event("a", .takeoff, data: ["origin": "KLAX", "destination": "EGLL"]),
                      Self.event("b", .takeoff, data: ["origin": "KLAX", "destination": "KJFK"]),
                      Self.event("c", .takeoff, data: ["origin": "KSFO", "destination": "EGLL"]),
                      Self.event("d", .takeoff, data: ["origin": nil, "destination": nil])]
        let got = try await Self.deliver([
            ("toLondon", #"{"target": {"kind": "callsign", "id": "DAL*"}, "events": ["flight.takeoff"], "filters": {"destination": ["egll"]}, "notifyEndpoint": "$URL"}"#),
            ("fromLA", #"{"target": {"kind": "callsign", "id": "DAL*"}, "events": ["flight.takeoff"], "filters": {"origin": ["KLAX"], "destination": ["KJFK", "EGLL"]}, "notifyEndpoint": "$URL"}"#),
        ], events)
        #expect(got["toLondon"] == ["evt_a", "evt_c"])
        #expect(got["fromLA"] == ["evt_a", "evt_b"])
    }

    @Test("aircraft: by name text, by aircraft id, by livery name")
    func aircraft() async throws {
        let a350: [String: JSONValue] = ["aircraftId": "de510d3d-04f8-46e0-8d65-55b888f33129", "aircraftName": "Airbus A350-900", "liveryName": "Qatar Airways"]
        let b789: [String: JSONValue] = ["aircraftId": "849366e1-cb11-4d72-9034-78b11cd026b0", "aircraftName": "Boeing 787-9", "liveryName": "Delta"]
        let got = try await Self.deliver([
            ("a350", #"{"target": {"kind": "callsign", "id": "DAL*"}, "events": ["flight.takeoff"], "filters": {"aircraft": ["A350"]}, "notifyEndpoint": "$URL"}"#),
            ("byId", #"{"target": {"kind": "callsign", "id": "DAL*"}, "events": ["flight.takeoff"], "filters": {"aircraft": ["849366E1-CB11-4D72-9034-78B11CD026B0"]}, "notifyEndpoint": "$URL"}"#),
            ("livery", #"{"target": {"kind": "callsign", "id": "DAL*"}, "events": ["flight.takeoff"], "filters": {"aircraft": ["qatar"]}, "notifyEndpoint": "$URL"}"#),
        ], [Self.event("a", .takeoff, data: a350), Self.event("b", .takeoff, data: b789), Self.event("c", .takeoff)])
        #expect(got["a350"] == ["evt_a"])
        #expect(got["byId"] == ["evt_b"])
        #expect(got["livery"] == ["evt_a"])
    }

    @Test("landing: a hall of shame takes landings at -600 fpm or harder; takeoffs are not landings and pass")
    func landing() async throws {
        let events = [Self.event("hard", .landing, data: ["touchdownRate": -750, "groundSpeed": 140]),
                      Self.event("soft", .landing, data: ["touchdownRate": -180, "groundSpeed": 130]),
                      Self.event("unknown", .landing, data: ["touchdownRate": nil, "groundSpeed": 130]),
                      Self.event("fast", .landing, data: ["touchdownRate": -650, "groundSpeed": 190]),
                      Self.event("takeoff", .takeoff)]
        let got = try await Self.deliver([
            ("shame", #"{"target": {"kind": "callsign", "id": "DAL*"}, "events": ["flight.landing"], "filters": {"landing": {"maxVerticalSpeed": -600, "maxGroundSpeed": 180}}, "notifyEndpoint": "$URL"}"#),
            ("mixed", #"{"target": {"kind": "callsign", "id": "DAL*"}, "events": ["flight.landing", "flight.takeoff"], "filters": {"landing": {"maxVerticalSpeed": -600}}, "notifyEndpoint": "$URL"}"#),
        ], events)
        #expect(got["shame"] == ["evt_hard"])
        #expect(got["mixed"] == ["evt_hard", "evt_fast", "evt_takeoff"])
    }
}
