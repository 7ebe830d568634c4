import Foundation
import SquawkCore
import Testing

/// The live card's state (``FlightCard``): what a channel reads at each step of a flight, and
/// the rule that makes coalescing safe — an edit may fold in any run of waiting events, and
/// events already shown may be seen again, yet the card ends as folding each event once, in order.
@Suite("Live card state")
struct FlightCardTests {
    static let t0 = Date(timeIntervalSince1970: 1_764_000_000)

    static func event(_ type: EventType, _ n: Int, airport: String? = nil, data: [String: JSONValue] = [:], flight: String = "F1") -> FlightEvent {
        FlightEvent(id: "evt_card_\(n)", type: type, at: t0.addingTimeInterval(Double(n) * 60), server: ServerRef(id: "s", name: "Expert Server"),
                    flightId: flight, username: "Cameron", callsign: "DAL40", airport: airport, data: data)
    }

    @Test("a flight read step by step: on the ground, in the air, approaching, landed with its rate, offline, then how it ended")
    func phases() throws {
        var card = try #require(FlightCard(Self.event(.flightOnline, 1, airport: "KLAX", data: ["airborne": false]), sequence: 1))
        #expect(card.phaseText() == "On the ground at Los Angeles International Airport (KLAX)")
        card.merge(Self.event(.planFiled, 2, airport: "KJFK", data: ["origin": "KLAX", "destination": "KJFK"]), sequence: 2)
        card.merge(Self.event(.takeoff, 3, airport: "KLAX", data: ["altitude": 312, "groundSpeed": 162]), sequence: 3)
        #expect(card.phaseText() == "In the air")
        #expect(card.origin == "KLAX" && card.destination == "KJFK" && card.altitude == 312)
        card.merge(Self.event(.approaching, 4, airport: "KJFK", data: ["distanceNM": 40]), sequence: 4)
        #expect(card.phaseText() == "Approaching John F Kennedy International Airport (KJFK)")
        card.merge(Self.event(.landing, 5, airport: "KJFK", data: ["touchdownRate": -182.6, "touchAndGo": false]), sequence: 5)
        #expect(card.phaseText() == "Landed at John F Kennedy International Airport (KJFK), -183 fpm")
        card.merge(Self.event(.flightOffline, 6, airport: "KJFK"), sequence: 6)
        #expect(card.phase == .offline)
        card.merge(Self.event(.flightCompleted, 7, airport: "KJFK", data: ["outcome": "completed", "arrivalAirport": "KJFK"]), sequence: 7)
        #expect(card.phase == .completed && card.phase.isFinal)
        card.merge(Self.event(.takeoff, 8, airport: "KBOS"), sequence: 8)
        #expect(card.phase == .completed, "a final state stays")
        #expect(card.lastEvent == .takeoff && card.sequence == 8)
        // An event of another flight, or one no newer than the card, changes nothing.
        let before = card
        let otherFlight = card.merge(Self.event(.landing, 9, flight: "F2"), sequence: 9)
        let older = card.merge(Self.event(.landing, 3, airport: "EGLL"), sequence: 3)
        #expect(!otherFlight && !older)
        #expect(card == before)
    }

    @Test("coalescing on 2,000 generated flights: folding random runs of waiting events, with repeats of shown ones, equals folding each once in order")
    func coalescing() throws {
        let types: [EventType] = [.flightOnline, .planFiled, .planChanged, .takeoff, .approaching, .diverted, .landing, .pilotState, .flightOffline, .flightCompleted]
        let airports = ["KLAX", "KJFK", "KBOS", "EGLL", nil]
        var rng = SplitMix64(seed: 2026)
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...12, using: &rng)
            let events = (1...count).map { n in
                Self.event(types.randomElement(using: &rng)!, n, airport: airports.randomElement(using: &rng)!,
                           data: ["altitude": .number(Double(Int.random(in: 0...40_000, using: &rng))), "airborne": .bool(Bool.random(using: &rng)),
                                  "destination": airports.randomElement(using: &rng)!.map(JSONValue.string) ?? .null,
                                  "touchAndGo": .bool(Bool.random(using: &rng))])
            }
            // The plain reading: each event once, in order.
            var reference = try #require(FlightCard(events[0], sequence: 1))
            for (i, e) in events.enumerated().dropFirst() { reference.merge(e, sequence: Int64(i + 1)) }
            // The dispatcher's way: from the stored card, each edit folds a run starting anywhere
            // at or before the first unshown event (shown ones come again) up to a random end.
            var card = try #require(FlightCard(events[0], sequence: 1))
            while card.sequence < Int64(count) {
                let start = Int.random(in: 0...Int(card.sequence), using: &rng)
                let end = Int.random(in: Int(card.sequence)..<count, using: &rng)
                for i in start...end { card.merge(events[i], sequence: Int64(i + 1)) }
            }
            #expect(card == reference)
        }
    }
}
