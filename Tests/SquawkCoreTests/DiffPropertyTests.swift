import Foundation
import Testing
@testable import SquawkCore

/// Properties of the diff engine over random snapshot sequences (seeded, so a failure replays):
/// the events of each flight follow the grammar online → (takeoff → landing)* → offline, ids
/// never repeat, replay and a persisted state give the same events.
@Suite("SnapshotDiffer properties")
struct DiffPropertyTests {
    static let server = ServerRef(id: "prop-server", name: "Property Server")
    static let airports = ["EGLL", "KJFK", "KDEN", "LSZH", "EHAM", "LFPG", "LFPB", "KSFO", "KOAK", "EGKK"]
        .compactMap { AirportIndex.bundled[$0] }

    // MARK: - Generator

    /// A random flight: mostly plausible flying around a few airports, with jumps, frozen
    /// (away) stretches, absences and reconnections under the same id.
    struct RandomFlight {
        var id: String
        var airport: Airport
        var present = false
        var altitude = 0.0, speed = 0.0, vs = 0.0, lat = 0.0, lon = 0.0
        var pilotState = PilotState.active
        var plan: FlightPlanSummary?
    }

    /// `count` snapshots of `flights` random flights, 15 s apart; the first is empty (so every
    /// flight is announced and the grammar can be checked from its start).
    static func sequence(seed: UInt64, flights: Int = 60, count: Int = 240) -> [Snapshot] {
        var rng = SplitMix64(seed: seed)
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        var fleet = (0..<flights).map { RandomFlight(id: "F\($0)", airport: airports[$0 % airports.count]) }
        var openATC: [String: ATCFrequency] = [:]
        var snapshots = [Snapshot(server: server, takenAt: t0, flights: [], atc: [])]
        for step in 1..<count {
            var samples: [FlightSample] = []
            var plans: [String: FlightPlanSummary] = [:]
            for i in fleet.indices {
                var f = fleet[i]
                let roll = Double.random(in: 0..<1, using: &rng)
                if !f.present {
                    if roll < 0.15 { f.present = true; f.airport = airports.randomElement(using: &rng)! }
                    else { fleet[i] = f; continue }
                } else if roll < 0.02 {
                    f.present = false; fleet[i] = f; continue       // disconnect
                } else if roll < 0.06 {
                    fleet[i] = f; continue                           // one missed sample
                }
                if f.pilotState == .active || Bool.random(using: &rng) {
                    f.pilotState = Double.random(in: 0..<1, using: &rng) < 0.9 ? .active
                        : PilotState(rawValue: Int.random(in: 1...3, using: &rng))!
                }
                if f.pilotState == .active || f.lat == 0 {
                    // A new position: near the airport, at one of a few characteristic states.
                    let d = Double.random(in: 0..<6, using: &rng), b = Double.random(in: 0..<360, using: &rng)
                    (f.lat, f.lon) = Geo.destination(f.airport.latitude, f.airport.longitude, bearing: b, distanceNM: d)
                    switch Int.random(in: 0..<6, using: &rng) {
                    case 0: (f.altitude, f.speed, f.vs) = (f.airport.elevation, Double.random(in: 0..<30, using: &rng), 0)
                    case 1: (f.altitude, f.speed, f.vs) = (f.airport.elevation + Double.random(in: -20..<60, using: &rng),
                                                           Double.random(in: 30..<160, using: &rng), Double.random(in: -400..<400, using: &rng))
                    case 2: (f.altitude, f.speed, f.vs) = (f.airport.elevation + Double.random(in: 0..<2000, using: &rng),
                                                           Double.random(in: 100..<220, using: &rng), Double.random(in: -1500..<3000, using: &rng))
                    case 3: (f.altitude, f.speed, f.vs) = (Double.random(in: 20_000..<40_000, using: &rng), 450, 0)
                    case 4: (f.altitude, f.speed, f.vs) = (f.airport.elevation + Double.random(in: 0..<300, using: &rng),
                                                           Double.random(in: 0..<60, using: &rng), Double.random(in: -900..<900, using: &rng))
                    default: break // same values as before (a stale report)
                    }
                }
                if Double.random(in: 0..<1, using: &rng) < 0.05 {
                    let dest = airports.randomElement(using: &rng)!.icao
                    f.plan = FlightPlanSummary(flightPlanId: "P-\(f.id)", origin: f.airport.icao, destination: dest,
                                               waypoints: [f.airport.icao, "WPT\(Int.random(in: 0..<3, using: &rng))", dest])
                }
                if let plan = f.plan, Bool.random(using: &rng) { plans[f.id] = plan }
                samples.append(FlightSample(
                    flightId: f.id, userId: "U\(f.id)", callsign: "CS\(f.id)", latitude: f.lat, longitude: f.lon,
                    altitude: f.altitude, speed: f.speed, verticalSpeed: f.vs,
                    lastReport: t0.addingTimeInterval(Double(step) * 15), pilotState: f.pilotState))
                fleet[i] = f
            }
            // ATC: frequencies open and close at random; some lists are missing (not polled).
            for k in 0..<12 where Double.random(in: 0..<1, using: &rng) < 0.1 {
                let id = "FREQ\(k)"
                if openATC[id] == nil {
                    openATC[id] = ATCFrequency(frequencyId: id, userId: "C\(k)", airportICAO: airports[k % airports.count].icao,
                                               type: k % 8)
                } else {
                    openATC[id] = nil
                }
            }
            let atc: [ATCFrequency]? = Double.random(in: 0..<1, using: &rng) < 0.2 ? nil
                : openATC.values.sorted { $0.frequencyId < $1.frequencyId }.filter { _ in Double.random(in: 0..<1, using: &rng) > 0.05 }
            snapshots.append(Snapshot(server: server, takenAt: t0.addingTimeInterval(Double(step) * 15),
                                      flights: samples.shuffled(using: &rng), atc: atc, flightPlans: plans))
        }
        return snapshots
    }

    static func run(_ snapshots: [Snapshot], persistAt: Int? = nil) throws -> [FlightEvent] {
        var state = DiffState()
        var events: [FlightEvent] = []
        for (i, s) in snapshots.enumerated() {
            if i == persistAt {
                state = try JSONDecoder().decode(DiffState.self, from: JSONEncoder().encode(state))
            }
            events += SnapshotDiffer.apply(s, to: &state, config: .default)
        }
        return events
    }

    // MARK: - Properties

    @Test("flight events follow online → (takeoff → landing)* → offline", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func flightGrammar(seed: UInt64) throws {
        let snapshots = Self.sequence(seed: seed)
        let events = try Self.run(snapshots)
        #expect(events.contains { $0.type == .takeoff } && events.contains { $0.type == .landing })

        enum Presence { case absent, ground, air }
        // Flights of the seeding snapshot and of the next `offlineGraceSamples` ones are tracked
        // silently (no flight.online): their first event may be anything but must not be online.
        let grace = DiffConfiguration.default.offlineGraceSamples
        let quiet = Set(snapshots.prefix(grace + 1).flatMap { $0.flights.map(\.flightId) })
        var presence: [String: Presence] = [:]
        var lastType: [String: EventType] = [:]
        for e in events {
            guard let id = e.flightId else { continue }
            defer { lastType[id] = e.type }
            var was = presence[id] ?? .absent
            if presence[id] == nil, quiet.contains(id), e.type != .flightOnline {
                was = e.type == .takeoff ? .ground : e.type == .landing ? .air : (e.data["airborne"] == .bool(true) ? .air : .ground)
            }
            switch e.type {
            case .flightCompleted:
                #expect(was == .absent && lastType[id] == .flightOffline, "flight.completed not right after offline: \(id)")
            case .flightOnline:
                #expect(was == .absent, "online while online: \(id) at \(e.at)")
                presence[id] = e.data["airborne"] == .bool(true) ? .air : .ground
            case .flightOffline:
                #expect(was != .absent, "offline while offline: \(id)")
                #expect((e.data["airborne"] == .bool(true)) == (was == .air), "offline airborne flag: \(id)")
                presence[id] = .absent
            case .takeoff:
                #expect(was == .ground, "takeoff without a landing before it (or not online): \(id) at \(e.at)")
                presence[id] = .air
            case .landing:
                #expect(was == .air, "landing without an airborne state (or after offline): \(id) at \(e.at)")
                presence[id] = .ground
            default:
                #expect(was != .absent, "\(e.type.rawValue) for a flight not online: \(id)")
            }
        }
    }

    @Test("atc.opened and atc.closed alternate per frequency", arguments: [1, 2, 3] as [UInt64])
    func atcGrammar(seed: UInt64) throws {
        let events = try Self.run(Self.sequence(seed: seed, flights: 5))
        var open: Set<String> = []
        var count = 0
        for e in events where e.type == .atcOpened || e.type == .atcClosed {
            let id = try #require(e.frequencyId)
            count += 1
            if e.type == .atcOpened { #expect(open.insert(id).inserted, "opened twice: \(id)") }
            else { #expect(open.remove(id) != nil, "closed while not open: \(id)") }
        }
        #expect(count > 10)
    }

    @Test("event ids are unique, even when flight ids come back", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func uniqueIds(seed: UInt64) throws {
        let events = try Self.run(Self.sequence(seed: seed))
        #expect(events.count > 100)
        #expect(Set(events.map(\.id)).count == events.count)
    }

    @Test("replaying the same history gives the same events and ids; so does a persisted state")
    func deterministic() throws {
        let snapshots = Self.sequence(seed: 42)
        let first = try Self.run(snapshots)
        #expect(try Self.run(snapshots) == first)
        #expect(try Self.run(snapshots, persistAt: 117) == first)
    }

    @Test("events are dated within their snapshot's reach; a landing never before its airborne start")
    func eventTimes() throws {
        let snapshots = Self.sequence(seed: 7)
        var state = DiffState()
        var airborneSince: [String: Date] = [:]
        // Flights tracked silently from the first snapshots: their takeoff may predate the run.
        let quiet = Set(snapshots.prefix(DiffConfiguration.default.offlineGraceSamples + 1).flatMap { $0.flights.map(\.flightId) })
        for s in snapshots {
            for e in SnapshotDiffer.apply(s, to: &state, config: .default) {
                #expect(e.at <= s.takenAt)
                switch e.type {
                case .landing:
                    if airborneSince[e.flightId ?? ""] == nil, quiet.contains(e.flightId ?? "") { continue }
                    let since = try #require(airborneSince[e.flightId ?? ""])
                    #expect(e.at >= since, "landing dated before its takeoff")
                    if let flightTime = e.data["flightTime"]?.doubleValue { #expect(flightTime >= 0) }
                case .takeoff:
                    airborneSince[e.flightId ?? ""] = e.at
                case .flightOnline where e.data["airborne"] == .bool(true):
                    airborneSince[e.flightId ?? ""] = e.at
                case .atcClosed:
                    // Dated at the first ATC list without it (lists may skip snapshots).
                    #expect(e.at < s.takenAt)
                case .flightOffline:
                    // Dated at the first snapshot without it: `offlineGraceSamples` samples ago.
                    #expect(e.at == s.takenAt.addingTimeInterval(-15 * Double(DiffConfiguration.default.offlineGraceSamples)))
                case .flightCompleted:
                    // At the first parked sample after the landing, or when it went offline.
                    #expect(e.at < s.takenAt)
                default:
                    #expect(e.at == s.takenAt, "\(e.type.rawValue)")
                }
            }
        }
    }
}
