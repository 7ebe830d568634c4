import Foundation
import Testing
@testable import SquawkCore

/// The event → FLIFO table of ``FlifoMessage/init(event:sequence:airports:airlines:)``, row by
/// row. (The field-by-field comparison with the seed is `FlifoContractTests`.)
@Suite("FLIFO notifications")
struct FlifoNotificationTests {
    static let at = Date(timeIntervalSince1970: 1_764_000_000)

    static func event(_ type: EventType, airport: String? = "KLAX", callsign: String? = "DAL40",
                      _ data: [String: JSONValue] = [:]) -> FlightEvent {
        FlightEvent(id: "evt_1", type: type, at: at, server: ServerRef(id: "s", name: "Expert Server"), flightId: "f1",
                    userId: "u1", username: "Cameron", callsign: callsign, airport: airport, data: data)
    }

    static func message(_ e: FlightEvent) -> FlifoMessage {
        FlifoMessage(event: e, sequence: 1, airports: .bundled, airlines: .standard)
    }

    /// One row: the event, then adi, airportCode, the record's airportCode and city, status.
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var event: FlightEvent
        var adi: FlifoMessage.Side?
        var airportCode: String?
        var otherEnd: String?
        var city: String?
        var status: FlifoStatus?
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "online, parked", event: event(.flightOnline, ["airborne": false, "phase": "parked"]),
            adi: .departure, airportCode: "LAX", status: .scheduled),
        Row(name: "online, taxiing", event: event(.flightOnline, ["airborne": false, "phase": "taxiing"]),
            adi: .departure, airportCode: "LAX", status: .taxiing),
        Row(name: "online, in the air", event: event(.flightOnline, airport: nil, ["airborne": true, "phase": "airborne"]),
            status: .departed),
        Row(name: "plan filed", event: event(.planFiled, airport: "KJFK", ["origin": "KLAX", "destination": "KJFK"]),
            adi: .departure, airportCode: "LAX", otherEnd: "JFK", city: "New York"),
        Row(name: "plan changed", event: event(.planChanged, airport: "EGLL", ["origin": "KJFK", "destination": "EGLL"]),
            adi: .departure, airportCode: "JFK", otherEnd: "LHR", city: "London"),
        Row(name: "takeoff", event: event(.takeoff, ["destination": "KJFK", "touchAndGo": false]),
            adi: .departure, airportCode: "LAX", otherEnd: "JFK", city: "New York", status: .departed),
        Row(name: "takeoff of a touch-and-go", event: event(.takeoff, ["destination": "KJFK", "touchAndGo": true])),
        Row(name: "approaching", event: event(.approaching, airport: "KJFK", ["etaMinutes": 11.8]),
            adi: .arrival, airportCode: "JFK", status: .approaching),
        Row(name: "diverted", event: event(.diverted, airport: "KBOS", ["previousDestination": "KJFK", "destination": "KBOS"]),
            adi: .arrival, airportCode: "BOS", status: .diverted),
        Row(name: "landing", event: event(.landing, airport: "KJFK", ["origin": "KLAX", "touchAndGo": false]),
            adi: .arrival, airportCode: "JFK", otherEnd: "LAX", city: "Los Angeles", status: .landed),
        Row(name: "touch-and-go", event: event(.landing, airport: "KJFK", ["origin": "KLAX", "touchAndGo": true])),
        Row(name: "pilot away in flight", event: event(.pilotState, airport: nil, ["current": "away_in_flight", "airborne": true])),
        Row(name: "pilot away parked", event: event(.pilotState, airport: nil, ["current": "away_parked", "airborne": false])),
        Row(name: "offline in the air", event: event(.flightOffline, airport: nil, ["airborne": true]), status: .unknown),
        Row(name: "offline at the gate", event: event(.flightOffline, ["airborne": false, "phase": "parked"])),
        Row(name: "ATC opened", event: event(.atcOpened, callsign: nil, ["frequencyType": "tower"])),
        Row(name: "subscription test", event: event(.subscriptionTest, airport: nil)),
    ]

    @Test("each event maps to its row of the table", arguments: rows)
    func table(_ row: Row) {
        let m = Self.message(row.event)
        #expect(m.adi == row.adi)
        #expect(m.airportCode == row.airportCode)
        let record = m.flightRecord[0]
        #expect(record.airportCode == row.otherEnd)
        #expect(record.city == row.city)
        #expect(record.status == row.status)
        #expect(record.eventType == row.event.type.rawValue)
        #expect(m.subscribedForUpdates)
    }

    @Test("times: actual takeoff and touchdown, estimated arrival from the ETA, in the seed's format")
    func times() {
        let takeoff = Self.message(Self.event(.takeoff, ["destination": "KJFK"])).flightRecord[0]
        #expect(takeoff.actual == Self.at && takeoff.estimated == nil)
        let landing = Self.message(Self.event(.landing, ["origin": "KJFK"])).flightRecord[0]
        #expect(landing.actual == Self.at)
        let approaching = Self.message(Self.event(.approaching, airport: "KJFK", ["etaMinutes": 11.8])).flightRecord[0]
        #expect(approaching.estimated == Self.at.addingTimeInterval(708) && approaching.actual == nil)
        #expect(approaching.json.member("estimated") == "2025-11-24T16:11:48+0000")
        let diverted = Self.message(Self.event(.diverted, airport: "KBOS")).flightRecord[0]
        #expect(diverted.estimated == nil && diverted.actual == nil)
    }

    @Test("what is not known is left out: no empty strings, no nulls, no On Time")
    func omissions() throws {
        // A general-aviation callsign, a landing far from any known airport, no origin.
        let e = Self.event(.landing, airport: "ZZZZ", callsign: "N123AB", ["touchAndGo": false])
        let json = Self.message(e).json
        let text = String(decoding: json.jsonBytes, as: UTF8.self)
        #expect(!text.contains("\"\"") && !text.contains("null") && !text.contains("On Time"), "\(text)")
        #expect(json.member("airlineCode") == nil && json.member("flightNumber") == nil)
        #expect(json.member("airportCode") == "ZZZZ")
        guard case .array(let records)? = json.member("flightRecord"), let record = records.first else {
            Issue.record("no flightRecord")
            return
        }
        #expect(record.member("operatingCarrier") == nil && record.member("city") == nil && record.member("aircraft") == nil)
        #expect(record.member("status") == "LD" && record.member("statusText") == "Landed")
        // A pilot going away is not about timeliness, nor about progress: no status at all.
        let away = Self.message(Self.event(.pilotState, airport: nil, ["current": "away_in_flight", "airborne": true])).json
        let awayText = String(decoding: away.jsonBytes, as: UTF8.self)
        #expect(!awayText.contains("status") && away.member("adi") == nil, "\(awayText)")
    }

    @Test("aircraft: the event's aircraftName or aircraft.name, never an id")
    func aircraft() {
        #expect(Self.message(Self.event(.takeoff, ["aircraftName": "Airbus A220-300"])).flightRecord[0].aircraft == "Airbus A220-300")
        #expect(Self.message(Self.event(.takeoff, ["aircraft": .object(["id": "710c84ae", "name": "Boeing 787-9"])])).flightRecord[0].aircraft == "Boeing 787-9")
        #expect(Self.message(Self.event(.flightOnline, ["aircraftId": "710c84ae-6fdc-4c4a-ac3b-4031c3036e98"])).flightRecord[0].aircraft == nil)
    }

    @Test("city is the city the airport serves, not the airport's name")
    func city() throws {
        let klax = try #require(AirportIndex.bundled["KLAX"])
        #expect(klax.city == "Los Angeles" && klax.name == "Los Angeles International Airport")
        #expect(AirportIndex.bundled["EGLL"]?.city == "London")
        // Older six-column data still loads, without cities.
        let old = AirportIndex(tsv: "KLAX\tLAX\tLos Angeles Intl\t33.9\t-118.4\t128\n")
        #expect(old["KLAX"]?.city == nil && old["KLAX"]?.iata == "LAX")
    }

    @Test("callsigns name an airline and a flight number in the ICAO, IATA and spoken forms", arguments: [
        ("DAL40", "DL", "40"), ("DAL040", "DL", "40"), ("DL40", "DL", "40"), ("Delta 40 Heavy", "DL", "40"),
        ("speedbird 12", "BA", "12"), ("9W7592", "9W", "7592"), ("KLM 605", "KL", "605"),
        ("N123AB", nil, nil), ("Cameron", nil, nil), ("DAL", nil, nil), ("XYZ123", nil, nil),
    ] as [(String, String?, String?)])
    func callsigns(_ callsign: String, _ airline: String?, _ number: String?) {
        let flight = AirlineDirectory.standard.flight(callsign: callsign)
        #expect(flight?.airline.iata == airline)
        #expect(flight?.number == number)
    }
}

extension JSONValue {
    /// The member `key` of an object.
    func member(_ key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}
