import Foundation
import Testing
@testable import SquawkCore

/// Pieces of the diff engine that fixtures do not show well: airport resolution, ATIS letters,
/// id sequences across reconnections, ordering rules and the state's size.
@Suite("SnapshotDiffer units")
struct DiffUnitTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let server = ServerRef(id: "srv", name: "Expert Server")

    func parked(_ id: String, at icao: String) throws -> FlightSample {
        let a = try #require(AirportIndex.bundled[icao])
        return FlightSample(flightId: id, userId: "U-\(id)", callsign: id, latitude: a.latitude, longitude: a.longitude,
                            altitude: a.elevation, speed: 0, lastReport: t0)
    }

    // MARK: - Airports

    @Test("an aircraft at an airport's reference point resolves to it, with its elevation")
    func resolvesReferencePoint() throws {
        let locator = DiffConfiguration.default.locator
        for icao in ["EGLL", "KJFK", "KDEN", "LSZH", "EHAM"] {
            let a = try #require(AirportIndex.bundled[icao])
            let m = try #require(locator.resolve(latitude: a.latitude, longitude: a.longitude, radiusNM: 5))
            #expect(m.icao == icao)
            #expect(m.elevation == a.elevation)
        }
    }

    @Test("nothing resolves in mid-ocean; the plan's airport wins within the radius")
    func resolutionRules() throws {
        let locator = DiffConfiguration.default.locator
        #expect(locator.resolve(latitude: 45, longitude: -30, radiusNM: 5) == nil)
        let lfpg = try #require(AirportIndex.bundled["LFPG"]), lfpb = try #require(AirportIndex.bundled["LFPB"])
        let b = Geo.bearing(lfpg.latitude, lfpg.longitude, lfpb.latitude, lfpb.longitude)
        let p = Geo.destination(lfpg.latitude, lfpg.longitude, bearing: b, distanceNM: 2.3)
        #expect(locator.resolve(latitude: p.lat, longitude: p.lon, radiusNM: 5)?.icao == "LFPG")
        #expect(locator.resolve(latitude: p.lat, longitude: p.lon, radiusNM: 5, preferring: nil, "LFPB")?.icao == "LFPB")
        // A preferred airport out of range does not win.
        #expect(locator.resolve(latitude: p.lat, longitude: p.lon, radiusNM: 5, preferring: "EGLL")?.icao == "LFPG")
    }

    @Test("the grid agrees with the index's own nearest search near busy airports")
    func gridMatchesIndex() throws {
        let locator = DiffConfiguration.default.locator
        var rng = SplitMix64(seed: 9)
        for icao in ["KJFK", "KLAX", "EGLL", "RJTT", "YSSY", "ENGM", "SCEL"] {
            let a = try #require(AirportIndex.bundled[icao])
            for _ in 0..<50 {
                let p = Geo.destination(a.latitude, a.longitude, bearing: .random(in: 0..<360, using: &rng),
                                        distanceNM: .random(in: 0..<4.5, using: &rng))
                // Without the IATA preference the answers must coincide: compare distances.
                let mine = try #require(locator.resolve(latitude: p.lat, longitude: p.lon, radiusNM: 5))
                let theirs = try #require(AirportIndex.bundled.nearest(latitude: p.lat, longitude: p.lon, withinNM: 5))
                #expect(mine.distanceNM <= theirs.distanceNM + AirportLocator.nonIATAPenaltyNM + 0.05)
            }
        }
    }

    // MARK: - ATIS letters

    @Test("ATIS letters come from the word after 'information'",
          arguments: [
              ("Manchester Airport, ATIS information DELTA, time 2355 ZULU", "D"),
              ("Heathrow information x-ray", "X"),
              ("KJFK ATIS INFO B 1151Z", "B"),
              ("Wind 270 at 5, no letter here", nil),
              ("information", nil),
          ] as [(String, String?)])
    func atisLetter(text: String, letter: String?) {
        #expect(SnapshotDiffer.atisLetter(text) == letter)
    }

    // MARK: - Ids and ordering

    @Test("a flight id that comes back continues its event sequence: no id repeats")
    func reconnectionContinuesSequence() throws {
        var state = DiffState()
        let config = DiffConfiguration.default
        var events: [FlightEvent] = []
        let f = try parked("F1", at: "EGLL")
        // Seeding, two quiet snapshots, then: online, 3 missed (offline), back, 3 missed, back.
        let script: [[FlightSample]] = [[], [], [], [f], [], [], [], [f], [], [], [], [f]]
        for (i, flights) in script.enumerated() {
            let s = Snapshot(server: server, takenAt: t0.addingTimeInterval(Double(i) * 15), flights: flights)
            events += SnapshotDiffer.apply(s, to: &state, config: config)
        }
        #expect(events.map(\.type) == [.flightOnline, .flightOffline, .flightOnline, .flightOffline, .flightOnline])
        #expect(Set(events.map(\.id)).count == events.count)
        #expect(events.last?.id == EventID.make(subject: "F1", type: .flightOnline, sequence: 4))
    }

    @Test("a snapshot not newer than the last one is ignored")
    func staleSnapshotIgnored() throws {
        var state = DiffState()
        let config = DiffConfiguration.default
        SnapshotDiffer.apply(Snapshot(server: server, takenAt: t0, flights: []), to: &state, config: config)
        SnapshotDiffer.apply(Snapshot(server: server, takenAt: t0.addingTimeInterval(15), flights: []), to: &state, config: config)
        let before = state
        let events = SnapshotDiffer.apply(Snapshot(server: server, takenAt: t0.addingTimeInterval(5),
                                                   flights: [try parked("F1", at: "EGLL")]), to: &state, config: config)
        #expect(events.isEmpty)
        #expect(state == before)
    }

    @Test("diff leaves its input state alone and returns the next one")
    func diffIsAValueFunction() throws {
        let config = DiffConfiguration.default
        let (seeded, none) = SnapshotDiffer.diff(DiffState(), Snapshot(server: server, takenAt: t0, flights: []), config: config)
        #expect(none.isEmpty)
        var settled = seeded
        for i in 1...config.offlineGraceSamples {
            SnapshotDiffer.apply(Snapshot(server: server, takenAt: t0.addingTimeInterval(Double(i) * 15), flights: []),
                                 to: &settled, config: config)
        }
        let (next, events) = SnapshotDiffer.diff(settled, Snapshot(server: server, takenAt: t0.addingTimeInterval(60),
                                                                   flights: [try parked("F1", at: "KJFK")]), config: config)
        #expect(settled.flightCount == 0)
        #expect(next.flightCount == 1)
        #expect(next.phase(ofFlight: "F1") == .parked)
        #expect(next.airport(ofFlight: "F1") == "KJFK")
        #expect(events.map(\.type) == [.flightOnline])
    }

    @Test("vanished flights are announced in id order whatever the dictionary order")
    func offlineOrder() throws {
        var state = DiffState()
        let config = DiffConfiguration.default
        let ids = (0..<40).map { String(format: "F%02d", $0) }
        let flights = try ids.map { try parked($0, at: "EGLL") }
        for (i, list) in [flights, flights, [], [], []].enumerated() {
            let events = SnapshotDiffer.apply(Snapshot(server: server, takenAt: t0.addingTimeInterval(Double(i) * 15),
                                                       flights: list), to: &state, config: config)
            if i == 4 { #expect(events.compactMap(\.flightId) == ids) }
        }
    }

    // MARK: - What flight events carry

    @Test("every flight event carries the plan's origin and destination and the aircraft and livery ids (null when unknown)")
    func flightContext() throws {
        var state = DiffState()
        let config = DiffConfiguration.default
        var sample = try parked("F1", at: "KLAX")
        sample.aircraftId = "DE510D3D-04F8-46E0-8D65-55B888F33129"
        sample.liveryId = "not-a-uuid"
        var bare = try parked("F2", at: "KLAX")
        bare.aircraftId = ""
        let plan = FlightPlanSummary(flightPlanId: "p1", origin: "KLAX", destination: "EGLL", waypoints: ["KLAX", "EGLL"])
        for i in 0...config.offlineGraceSamples {
            SnapshotDiffer.apply(Snapshot(server: server, takenAt: t0.addingTimeInterval(Double(i) * 15), flights: []),
                                 to: &state, config: config)
        }
        let events = SnapshotDiffer.apply(Snapshot(server: server, takenAt: t0.addingTimeInterval(60), flights: [sample, bare],
                                                   flightPlans: ["F1": plan]), to: &state, config: config)
        let online = try #require(events.first { $0.type == .flightOnline && $0.flightId == "F1" })
        let filed = try #require(events.first { $0.type == .planFiled })
        for e in [online, filed] {
            #expect(e.data["origin"] == "KLAX")
            #expect(e.data["destination"] == "EGLL")
            #expect(e.data["aircraftId"] == "de510d3d-04f8-46e0-8d65-55b888f33129")
            #expect(e.data["liveryId"] == .null)
        }
        let other = try #require(events.first { $0.flightId == "F2" })
        #expect(other.data["origin"] == .null && other.data["aircraftId"] == .null)
    }

    // MARK: - Size

    @Test("a tracked flight stays small")
    func trackSize() {
        // 352 bytes before the leg summary (`flight.completed`) and the touchdown evidence.
        #expect(MemoryLayout<FlightTrack>.size <= 576)
        #expect(MemoryLayout<FrequencyTrack>.size <= 128)
    }
}
