import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SquawkCore
import SquawkServer
import Testing

/// The FLIFO seed is the contract: the route's answers, its error payloads and the `flifo`
/// notification of every event type are compared with the seed's samples field by field —
/// names, nesting, JSON types, time formats — with Squawk's additions listed here and in
/// ``FlifoRecord``'s documentation.
@Suite("FLIFO contract: route and notifications against seed 004")
struct FlifoContractTests {
    /// Fields Squawk writes that the seed's sample lacks (``FlifoRecord``).
    static let routeAdditions: Set<String> = [
        "flightRecord[].callsign", "flightRecord[].latitude", "flightRecord[].longitude", "flightRecord[].altitude",
        "flightRecord[].groundSpeed",
    ]
    static let notificationAdditions: Set<String> = [
        "flightRecord[].actual", "flightRecord[].callsign", "flightRecord[].eventType", "flightRecord[].sequence",
    ]
    /// Seed fields Infinite Flight has no data for: never written.
    static let unavailable: Set<String> = [
        "flightRecord[].scheduled", "flightRecord[].tailNumber", "flightRecord[].gate", "flightRecord[].marketingCarriers",
    ]

    static let at = Date(timeIntervalSince1970: 1_764_000_000)  // 2025-11-24T16:00:00Z
    static let expert = ServerRef(id: "7e5dcd44-1fb5-49cc-bc2c-a9aab1f6a856", name: "Expert Server")
    static let parked = LiveFlightView(
        server: expert,
        flight: FlightSample(flightId: "5b7c55e4-8f84-4d2b-9c43-0c27b1b4b0f1", userId: "0b1f8f8e-6a0e-4b8e-8d43-8d52a3f1b7a9",
                             callsign: "DAL12", latitude: 33.9425, longitude: -118.4081, altitude: 128, speed: 0,
                             lastReport: at),
        plan: FlightPlanSummary(origin: "KLAX", destination: "KATL", waypoints: ["KLAX", "KATL"]), airborne: false)

    /// Paths of every member of the seed's sample (arrays as `[]`).
    static func paths(_ v: JSONValue, _ path: String = "") -> Set<String> {
        switch v {
        case .object(let o):
            return o.reduce(into: Set<String>()) { out, member in
                let p = path.isEmpty ? member.key : "\(path).\(member.key)"
                out.insert(p)
                out.formUnion(paths(member.value, p))
            }
        case .array(let a): return a.first.map { paths($0, path + "[]") } ?? []
        default: return []
        }
    }

    /// GET `uri` on the route; the body as a JSON value.
    static func get(_ uri: String, flights: any LiveFlightDirectory) async throws -> (HTTPResponse.Status, JSONValue) {
        let h = try await APIHarness(flights: flights)
        let result = Box()
        try await h.app.test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: APIHarness.headers(), body: nil) { r in
                result.status = r.status
                result.body = Array(buffer: r.body)
            }
        }
        return (result.status, try JSONValue.parse(result.body))
    }

    final class Box: @unchecked Sendable {
        var status: HTTPResponse.Status = .internalServerError
        var body: [UInt8] = []
    }

    // MARK: - Seed

    @Test("the seed's samples are read: one FlightRecord answer and the six error payloads")
    func seedReads() throws {
        let seed = try FlifoSeed.load()
        let response = try #require(seed.response)
        #expect(response.member("airportCode") == "LAX")
        #expect(Self.paths(response).contains("flightRecord[].marketingCarriers[].airline"))
        #expect(Set(seed.errors.keys) == ["2027", "1001", "2020", "2019", "1003", "9999"])
        #expect(seed.errors["2027"]?.member("code") == .number(2027))
        #expect(seed.errors["9999"]?.member("notifyEndpoint") == .null)
    }

    // MARK: - Route

    @Test("the route's answers have the seed's fields, nesting and types; every seed field is written or documented as unavailable")
    func route() async throws {
        let seed = try #require(try FlifoSeed.load().response)
        let flights = StaticFlightDirectory([FlifoRouteTests.dal40, Self.parked])
        var check = ShapeCheck(additions: Self.routeAdditions)
        var written: Set<String> = []
        for uri in ["/flifo/v3/flight/LAX/DL/40/D?operationDate=2025-11-24", "/flifo/v3/flight/JFK/DL/40/A",
                    "/flifo/v3/flight/LAX/DL/12/D?subscribeForUpdates=false"] {
            let (status, body) = try await Self.get(uri, flights: flights)
            #expect(status == .ok, "\(uri)")
            check.compare(body, with: seed)
            // The envelope is complete on the route: everything it echoes is known.
            for key in ["airportCode", "airlineCode", "flightNumber", "flightDate", "adi", "subscribedForUpdates", "flightRecord", "success"] {
                #expect(body.member(key) != nil, "\(uri): \(key) missing")
            }
            written.formUnion(check.written)
        }
        #expect(check.problems.isEmpty, "\(check.problems)")
        // `aircraft` is the one seed field the route cannot fill (the Live API names only ids);
        // notifications carry it when their event names the aircraft (next test).
        let missing = Self.paths(seed).subtracting(written).filter { path in !Self.unavailable.contains { path.hasPrefix($0) } }
        #expect(missing == ["flightRecord[].aircraft"])
    }

    @Test("the route's error payloads have exactly the seed's members, of the seed's types", arguments: [
        ("2027", "/flifo/v3/flight/LAX/DL/40/D?subscribeForUpdates=true&notifyEndpoint=https://my.endpoint.example/" + String(repeating: "g", count: 240)),
        ("9999", "/flifo/v3/flight/LAX/DL/40/D?subscribeForUpdates=true"),
        ("2020", "/flifo/v3/flight/ZZZ/DL/40/D"),
        ("2019", "/flifo/v3/flight/LAX/XS/40/D"),
        ("1001", "/flifo/v3/flight/LAX/DL/41/D"),
        ("1003", "/flifo/v3/flight/LAX/DL/40/D"),
    ])
    func errors(_ code: String, _ uri: String) async throws {
        let seed = try FlifoSeed.load()
        let expected = try #require(seed.errors[code])
        // 1003: no snapshot taken yet.
        let flights: any LiveFlightDirectory = code == "1003" ? EmptyFlightDirectory() : StaticFlightDirectory([FlifoRouteTests.dal40])
        let (_, body) = try await Self.get(uri, flights: flights)
        #expect(body.member("success") == false)
        guard case .array(let items)? = body.member("errors")?.member("error"), let item = items.first,
              case .object(let ours) = item, case .object(let theirs) = expected else {
            Issue.record("no FLIFO error item in \(body)")
            return
        }
        #expect(Set(ours.keys) == Set(theirs.keys))
        var check = ShapeCheck(allowNull: true)
        check.compare(item, with: expected)
        #expect(check.problems.isEmpty, "\(check.problems)")
    }

    // MARK: - Notifications

    /// An event of each type as the differ makes it (the data keys of `SnapshotDiffer+Flights`).
    static func event(_ type: EventType) -> FlightEvent {
        var data: [String: JSONValue] = [:]
        var airport: String? = "KLAX"
        switch type {
        case .flightOnline: data = ["airborne": false, "phase": "parked", "aircraftId": "710c84ae-6fdc-4c4a-ac3b-4031c3036e98"]
        case .flightOffline: data = ["airborne": true, "phase": "airborne", "lastSeenAt": "2025-11-24T15:59:30Z"]; airport = nil
        case .takeoff: data = ["destination": "KJFK", "touchAndGo": false, "aircraftName": "Airbus A220-300"]
        case .landing: data = ["origin": "KJFK", "touchAndGo": false, "touchdownRate": -182]
        case .planFiled, .planChanged: data = ["origin": "KLAX", "destination": "KJFK", "waypointCount": 14]; airport = "KJFK"
        case .diverted: data = ["previousDestination": "KJFK", "destination": "KBOS"]; airport = "KBOS"
        case .approaching: data = ["distanceNM": 49.6, "etaMinutes": 11.8, "groundSpeed": 252]; airport = "KJFK"
        case .pilotState: data = ["previous": "active", "current": "away_in_flight", "airborne": true]; airport = nil
        case .atcOpened, .atcClosed: data = ["frequencyType": "tower"]
        case .atisChanged: data = ["letter": "D", "text": "Information Delta"]
        default: airport = nil
        }
        return FlightEvent(id: EventID.make(subject: "348d1ba8", type: type, sequence: 1), type: type, at: at, server: expert,
                           flightId: "348d1ba8-1e60-48ca-8278-42f019147de8", userId: "3f8b28bf-bbb1-4024-80ae-2a0ea9b30685",
                           username: "Cameron", callsign: "Delta 40 Heavy", airport: airport, data: data)
    }

    @Test("the notification of every event type has the seed's fields, nesting and types; every seed field is written or documented as unavailable")
    func notifications() throws {
        let seed = try #require(try FlifoSeed.load().response)
        let renderer = PayloadRenderer(airports: .bundled, airlines: .standard)
        var written: Set<String> = []
        for type in EventType.allCases where !type.isFLS {
            let body = try JSONValue.parse(renderer.render(Self.event(type), format: .flifo, subscriptionId: "sub_1", sequence: 3))
            var check = ShapeCheck(additions: Self.notificationAdditions)
            check.compare(body, with: seed)
            #expect(check.problems.isEmpty, "\(type.rawValue): \(check.problems)")
            for key in ["airlineCode", "flightNumber", "flightDate", "subscribedForUpdates", "flightRecord", "success"] {
                #expect(body.member(key) != nil, "\(type.rawValue): \(key) missing")
            }
            written.formUnion(check.written)
        }
        let missing = Self.paths(seed).subtracting(written).filter { path in !Self.unavailable.contains { path.hasPrefix($0) } }
        #expect(missing.isEmpty, "seed fields never written: \(missing.sorted())")
    }

    @Test("a takeoff notification reads like the seed's answer: LAX departure to New York, Departed, with the actual time")
    func takeoff() throws {
        let body = try JSONValue.parse(PayloadRenderer().render(Self.event(.takeoff), format: .flifo, subscriptionId: "s", sequence: 3))
        #expect(body.member("airportCode") == "LAX")
        #expect(body.member("adi") == "D")
        #expect(body.member("airlineCode") == "DL")
        #expect(body.member("flightNumber") == "40")
        #expect(body.member("flightDate") == "2025-11-24")
        guard case .array(let records)? = body.member("flightRecord"), let record = records.first else {
            Issue.record("no flightRecord")
            return
        }
        #expect(record.member("airportCode") == "JFK")
        #expect(record.member("city") == "New York")
        #expect(record.member("aircraft") == "Airbus A220-300")
        #expect(record.member("status") == "DP")
        #expect(record.member("statusText") == "Departed")
        #expect(record.member("actual") == "2025-11-24T16:00:00+0000")
        #expect(record.member("operatingCarrier")?.member("airline") == "Delta Air Lines")
    }
}
