import Foundation
import Testing
import SquawkCore
@testable import SquawkSimulator

/// Scripted happenings show up in truth at exactly their times, and the world matches them.
@Suite struct ScenarioTests {
    static let scenarioJSON = """
    {
      "flights": [
        {"callsign": "BAW304", "username": "Speedbird", "origin": "EGLL", "spawnAt": 0, "takeoffAt": 60,
         "destination": "LFPG", "landAt": 3600, "touchdownRate": -150},
        {"callsign": "DLH4AB", "origin": "EDDF", "spawnAt": 100, "takeoffAt": 400, "destination": "EDDM",
         "plannedDestination": "EDDS", "divertAt": 1500, "landAt": 2800,
         "pilotStates": [{"state": 1, "from": 1000, "to": 1200}]},
        {"callsign": "N123AB", "origin": "KSFO", "spawnAt": 30, "takeoffAt": 200, "destination": "KLAX",
         "landAt": 4000, "disconnectAt": 1800, "planFiledAt": -1}
      ],
      "atc": [
        {"airport": "KLAX", "type": "tower", "opensAt": 30, "closesAt": 600, "username": "Tower_Tom"},
        {"airport": null, "type": "center", "opensAt": 45, "latitude": 51.0, "longitude": 1.5}
      ]
    }
    """

    static func world() throws -> World {
        let scenario = try JSONDecoder().decode(Scenario.self, from: Data(scenarioJSON.utf8))
        return Fixtures.world(flights: 0, scenario: scenario)
    }

    /// Seconds after start of the first truth event matching.
    static func time(_ events: [TruthEvent], _ type: EventType, callsign: String? = nil, airport: String? = nil) -> Int? {
        events.first { $0.type == type && (callsign == nil || $0.callsign == callsign) && (airport == nil || $0.airport == airport) }
            .map { Int($0.at.timeIntervalSince(Fixtures.start)) }
    }

    @Test func scriptedEventsAppearInTruthAtTheScriptedTimes() throws {
        let world = try Self.world()
        #expect(world.scenarioWarnings == [])
        world.advance(to: Fixtures.start.addingTimeInterval(4_200))
        let truth = world.truth(since: .distantPast)
        #expect(Self.time(truth, .flightOnline, callsign: "BAW304") == 0)
        #expect(Self.time(truth, .planFiled, callsign: "BAW304") == 0)
        #expect(Self.time(truth, .takeoff, callsign: "BAW304", airport: "EGLL") == 60)
        #expect(Self.time(truth, .landing, callsign: "BAW304", airport: "LFPG") == 3_600)
        #expect(truth.first { $0.type == .landing && $0.callsign == "BAW304" }?.touchdownRate == -150)
        #expect(Self.time(truth, .flightOffline, callsign: "BAW304") == 3_900)

        #expect(Self.time(truth, .flightOnline, callsign: "DLH4AB") == 100)
        #expect(Self.time(truth, .takeoff, callsign: "DLH4AB", airport: "EDDF") == 400)
        #expect(Self.time(truth, .pilotState, callsign: "DLH4AB") == 1_000)
        #expect(truth.filter { $0.type == .pilotState && $0.callsign == "DLH4AB" }.map { Int($0.at.timeIntervalSince(Fixtures.start)) } == [1_000, 1_200])
        #expect(Self.time(truth, .diverted, callsign: "DLH4AB", airport: "EDDM") == 1_500)
        #expect(Self.time(truth, .planChanged, callsign: "DLH4AB") == 1_500)
        #expect(truth.first { $0.type == .diverted }?.details["oldDestination"] == "EDDS")
        #expect(Self.time(truth, .landing, callsign: "DLH4AB", airport: "EDDM") == 2_800)

        #expect(Self.time(truth, .takeoff, callsign: "N123AB", airport: "KSFO") == 200)
        #expect(Self.time(truth, .planFiled, callsign: "N123AB") == nil)
        let offline = try #require(truth.first { $0.type == .flightOffline && $0.callsign == "N123AB" })
        #expect(Int(offline.at.timeIntervalSince(Fixtures.start)) == 1_800)
        #expect(offline.airborne == true)
        #expect(Self.time(truth, .landing, callsign: "N123AB") == nil)

        #expect(Self.time(truth, .atcOpened, airport: "KLAX") == 30)
        #expect(Self.time(truth, .atcClosed, airport: "KLAX") == 600)
        #expect(truth.first { $0.type == .atcOpened && $0.airport == "KLAX" }?.frequencyType == 1)
        #expect(Self.time(truth, .atisChanged, airport: "KLAX") == 30)
        let center = try #require(truth.first { $0.type == .atcOpened && $0.airport == nil })
        #expect(center.frequencyType == 6)
        // Nothing random: the scenario runs alone.
        #expect(Set(truth.compactMap(\.callsign)) == ["BAW304", "DLH4AB", "N123AB"])
    }

    @Test func theScriptedFlightIsWhereTheScriptSays() throws {
        let world = try Self.world()
        func flight(_ callsign: String) -> FlightSample? {
            world.snapshot(server: Fixtures.expert).flights.first { $0.callsign == callsign }
        }
        let egll = try #require(AirportIndex.bundled["EGLL"])
        let lfpg = try #require(AirportIndex.bundled["LFPG"])
        world.advance(to: Fixtures.start.addingTimeInterval(59))
        let rolling = try #require(flight("BAW304"))
        #expect(abs(rolling.altitude - egll.elevation) <= 10)
        #expect(rolling.speed > 100)
        world.advance(to: Fixtures.start.addingTimeInterval(1_800))
        let cruising = try #require(flight("BAW304"))
        #expect(cruising.altitude > 10_000)
        let planned = try #require(world.snapshot(server: Fixtures.expert).flightPlans[cruising.flightId])
        #expect(planned.origin == "EGLL" && planned.destination == "LFPG")
        world.advance(to: Fixtures.start.addingTimeInterval(3_599))
        let flaring = try #require(flight("BAW304"))
        #expect(flaring.altitude - lfpg.elevation < 30)
        world.advance(to: Fixtures.start.addingTimeInterval(3_660))
        let landed = try #require(flight("BAW304"))
        #expect(abs(landed.altitude - lfpg.elevation) <= 10)
        #expect(landed.speed < 40)
        #expect(Geo.distanceNM(landed.latitude, landed.longitude, lfpg.latitude, lfpg.longitude) < 3)
    }

    @Test func awayEpisodesFreezeReportedValues() throws {
        let world = try Self.world()
        world.advance(to: Fixtures.start.addingTimeInterval(1_001))
        let a = try #require(world.snapshot(server: Fixtures.expert).flights.first { $0.callsign == "DLH4AB" })
        world.advance(to: Fixtures.start.addingTimeInterval(1_150))
        let b = try #require(world.snapshot(server: Fixtures.expert).flights.first { $0.callsign == "DLH4AB" })
        #expect(a.pilotState == .awayInFlight)
        #expect(a == b)
        world.advance(to: Fixtures.start.addingTimeInterval(1_201))
        let c = try #require(world.snapshot(server: Fixtures.expert).flights.first { $0.callsign == "DLH4AB" })
        #expect(c.pilotState == .active)
        #expect(c.lastReport > b.lastReport)
    }

    @Test func badEntriesBecomeWarningsNotCrashes() throws {
        let scenario = Scenario(flights: [
            Scenario.Flight(callsign: "X1", origin: "ZZZZ", spawnAt: 0),
            Scenario.Flight(callsign: "X2", origin: "EGLL", spawnAt: 10, takeoffAt: 5, destination: "LFPG", landAt: 100),
        ], atc: [Scenario.ATC(airport: "KLAX", type: .name("spaceport"), opensAt: 0)])
        let world = Fixtures.world(flights: 0, scenario: scenario)
        #expect(world.scenarioWarnings.count == 3)
        world.advance(to: Fixtures.start.addingTimeInterval(20))
        #expect(world.snapshot(server: Fixtures.expert).flights.map(\.callsign) == ["X2"])
    }
}
