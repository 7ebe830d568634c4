import Foundation
import SquawkCore
import SquawkLiveAPI
import Testing

@Suite("Mapping Live API models to SquawkCore values")
struct MappingTests {
    private func decode<T: Decodable>(_ type: T.Type, _ file: String) throws -> T {
        try LiveAPIDate.makeDecoder().decode(LiveAPIEnvelope<T>.self, from: Data(try Fixtures.bytes(file))).result!
    }

    @Test func flightEntryToSample() throws {
        let entries = try decode([FlightEntry].self, "flights_pilot_state.json")
        let samples = entries.map(\.sample)
        #expect(samples[0].flightId == "348d1ba8-1e60-48ca-8278-42f019147de8")
        #expect(samples[0].callsign == "EC-CAM")
        #expect(samples[0].altitude == entries[0].altitude)
        #expect(samples[0].speed == entries[0].speed)
        #expect(samples[0].heading == entries[0].heading)
        #expect(samples[0].lastReport == entries[0].lastReport)
        #expect(samples[0].pilotState == .awayInFlight)
        #expect(samples[1].pilotState == .active)
        #expect(samples[1].username == nil)
    }

    @Test("an unknown pilotState maps to nil instead of failing")
    func unknownPilotState() throws {
        var entry = try decode([FlightEntry].self, "flights.json")[0]
        #expect(entry.sample.pilotState == nil)
        entry.pilotState = 9
        #expect(entry.sample.pilotState == nil)
        entry.pilotState = 3
        #expect(entry.sample.pilotState == .inBackground)
    }

    @Test func atcToFrequency() throws {
        let atc = try decode([ActiveATCFacility].self, "atc.json")[0].frequency
        #expect(atc.airportICAO == "LEPA")
        #expect(atc.type == 1)
        #expect(atc.username == "Cameron")
        #expect(atc.startTime == LiveAPIDate.parse("2020-10-02 15:47:25Z"))
    }

    @Test func sessionToServerRef() throws {
        let ref = try decode([SessionInfo].self, "sessions.json")[0].serverRef
        #expect(ref == ServerRef(id: "89573c7f-d398-4281-bcc0-3e9b7f6b8492", name: "Sample Server"))
    }

    @Test("the sample plan: procedure children flattened in order, no airports")
    func samplePlan() throws {
        let summary = try decode(FlightPlanInfo.self, "flight_plan.json").summary()
        #expect(summary.flightPlanId == "4a57de08-a3b1-48ba-a081-adeff0a5b503")
        #expect(summary.waypoints == ["AMAHE", "ZESTY", "RW12R"])
        #expect(summary.origin == nil)
        #expect(summary.destination == nil, "the approach 'L12R' is not an airport")
    }

    private func item(_ name: String, _ children: [FlightPlanItem]? = nil) -> FlightPlanItem {
        FlightPlanItem(name: name, type: children == nil ? 0 : 1, children: children, identifier: name,
                       altitude: -1, location: Coordinate(latitude: 0, longitude: 0, altitude: 0))
    }

    @Test("origin and destination from the first and last fix when they are airports")
    func airports() {
        let plan = FlightPlanInfo(
            flightPlanId: "p", flightId: "f", waypoints: nil, lastUpdate: Date(timeIntervalSince1970: 0),
            flightPlanItems: [
                item("KLAX"), item("DOCK1", [item("RW24L"), item("DOCKR")]), item("SUMMR"),
                item("BDEGA3", [item("LOZIT"), item("BDEGA")]), item("ksfo"),
            ])
        let summary = plan.summary()
        #expect(summary.origin == "KLAX")
        #expect(summary.destination == "KSFO")
        #expect(summary.waypoints == ["KLAX", "RW24L", "DOCKR", "SUMMR", "LOZIT", "BDEGA", "ksfo"])
        // A stricter check (e.g. the airport index) can be passed in.
        let strict = plan.summary { $0 == "KLAX" }
        #expect(strict.origin == "KLAX")
        #expect(strict.destination == nil)
    }

    @Test("a single-fix plan has an origin but no destination")
    func singleFix() {
        let plan = FlightPlanInfo(flightPlanId: "p", flightId: "f", waypoints: ["EGLL"],
                                  lastUpdate: Date(timeIntervalSince1970: 0), flightPlanItems: [item("EGLL")])
        #expect(plan.summary().origin == "EGLL")
        #expect(plan.summary().destination == nil)
    }

    @Test("without items the deprecated waypoints list is used")
    func deprecatedWaypoints() {
        let plan = FlightPlanInfo(flightPlanId: "p", flightId: "f", waypoints: ["EGLL", "CPT", "EGKK"],
                                  lastUpdate: Date(timeIntervalSince1970: 0), flightPlanItems: [])
        #expect(plan.summary() == FlightPlanSummary(flightPlanId: "p", origin: "EGLL", destination: "EGKK", waypoints: ["EGLL", "CPT", "EGKK"]))
    }

    @Test("ICAO shape", arguments: [("KLAX", true), ("YTYA", true), ("K2XS", true), ("L12R", true),
                                     ("AMAHE", false), ("RW12R", false), ("CPT", false), ("2XS8", false), ("51/2", false)])
    func icaoShape(_ name: String, _ expected: Bool) {
        #expect(FlightPlanInfo.looksLikeICAO(name) == expected)
    }

    @Test func snapshotFromResponses() throws {
        let session = try decode([SessionInfo].self, "sessions.json")[0]
        let flights = try decode([FlightEntry].self, "flights_pilot_state.json")
        let atc = try decode([ActiveATCFacility].self, "atc.json")
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        let snapshot = Snapshot(session: session, takenAt: at, flights: flights, atc: atc)
        #expect(snapshot.server.id == session.id)
        #expect(snapshot.flights == flights.map(\.sample))
        #expect(snapshot.atc == atc.map(\.frequency))
        #expect(snapshot.takenAt == at)
        #expect(Snapshot(session: session, takenAt: at, flights: []).atc == nil)
    }
}
