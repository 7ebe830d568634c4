import Foundation
import Testing
import SquawkCore
import SquawkLiveAPI
@testable import SquawkSimulator

/// Truth and what the API shows agree: one 45-minute run of a 200-flight server, checked
/// second by second against its own truth log.
@Suite struct WorldConsistencyTests {
    /// Counts and the first violations of each rule, from one shared run.
    struct Report: Sendable {
        var counts: [String: Int] = [:]
        var violations: [String: [String]] = [:]

        mutating func check(_ rule: String, _ ok: Bool, _ message: @autoclosure () -> String) {
            counts[rule, default: 0] += 1
            if !ok, violations[rule, default: []].count < 5 { violations[rule, default: []].append(message()) }
        }

        func failures(_ rule: String) -> [String] { violations[rule] ?? [] }
        func checked(_ rule: String) -> Int { counts[rule] ?? 0 }
    }

    static let report: Report = run()

    /// Runs the world and checks every truth event against the snapshots around it.
    static func run() -> Report {
        var report = Report()
        // Every online flight listed in every snapshot: list gaps have their own tests.
        let world = Fixtures.world(seed: 2024, flights: 200, listGaps: .some(nil))
        let airports = AirportIndex.bundled
        var onlineAt: [String: String] = [:]
        var dueLanding: [Int: [TruthEvent]] = [:]
        var dueTouchAndGo: [Int: [TruthEvent]] = [:]
        var touchAndGoAt: [String: (tick: Int, airport: String)] = [:]
        var frozen: [String: (sample: FlightSample, phase: FlightPhase)] = [:]
        var seen = 0
        for tick in 1...2_700 {
            world.advance(to: Fixtures.start.addingTimeInterval(Double(tick)))
            let snapshot = world.snapshot(server: Fixtures.expert)
            let byId = Dictionary(uniqueKeysWithValues: snapshot.flights.map { ($0.flightId, $0) })
            let open = Set((snapshot.atc ?? []).map(\.frequencyId))
            let all = world.truth(since: .distantPast)
            let fresh = all[seen...]
            seen = all.count
            if tick == 1 {
                for e in all where e.type == .flightOnline && e.airborne == false { onlineAt[e.flightId!] = e.airport }
            }
            for e in fresh {
                let id = e.flightId ?? ""
                switch e.type {
                case .flightOnline:
                    report.check("online.listed", byId[id] != nil, "\(id) online but not listed")
                    if e.airborne == false { onlineAt[id] = e.airport }
                case .flightOffline:
                    report.check("offline.gone", byId[id] == nil, "\(id) offline but still listed")
                case .takeoff:
                    if let origin = onlineAt[id] {
                        report.check("takeoff.spawnAirport", e.airport == origin, "\(id) took off at \(e.airport ?? "-") spawned at \(origin)")
                    }
                    if let a = airports[e.airport ?? ""], let f = byId[id] {
                        let d = Geo.distanceNM(f.latitude, f.longitude, a.latitude, a.longitude)
                        report.check("takeoff.position", d < 4, "\(id) took off \(d) nm from \(a.icao)")
                    }
                    if let tg = touchAndGoAt.removeValue(forKey: id) {
                        report.check("touchAndGo.roll", (25...45).contains(tick - tg.tick) && tg.airport == e.airport,
                                     "\(id) T&G roll \(tick - tg.tick) s")
                    }
                case .landing:
                    if e.touchAndGo == true {
                        dueTouchAndGo[tick + 10, default: []].append(e)
                        touchAndGoAt[id] = (tick, e.airport ?? "")
                    } else {
                        dueLanding[tick + 60, default: []].append(e)
                    }
                    let rate = e.touchdownRate ?? 0
                    report.check("landing.rate", (-700 ... -60).contains(rate), "\(id) touchdown \(rate)")
                case .atcOpened:
                    report.check("atc.opened.listed", open.contains(e.frequencyId ?? ""), "\(e.frequencyId ?? "") not listed")
                case .atcClosed:
                    report.check("atc.closed.gone", !open.contains(e.frequencyId ?? ""), "\(e.frequencyId ?? "") still listed")
                case .pilotState:
                    if let f = byId[id], let internalFlight = world.servers[0].flights.first(where: { $0.flightId == id }) {
                        if e.details["new"] != .number(0) {
                            frozen[id] = (f, internalFlight.phase)
                        } else if let start = frozen.removeValue(forKey: id) {
                            report.check("pilotState.noPhaseChange", start.phase == internalFlight.phase,
                                         "\(id) \(start.phase) → \(internalFlight.phase) while away")
                        }
                    }
                default:
                    break
                }
            }
            for e in dueLanding.removeValue(forKey: tick) ?? [] {
                let id = e.flightId ?? ""
                guard let f = byId[id] else {
                    report.check("landing.listedAfter", false, "\(id) gone 60 s after landing")
                    continue
                }
                let a = airports[e.airport ?? ""]!
                let d = Geo.distanceNM(f.latitude, f.longitude, a.latitude, a.longitude)
                report.check("landing.listedAfter", true, "")
                report.check("landing.atAirport", d < 4, "\(id) \(d) nm from \(a.icao) after landing")
                report.check("landing.fieldElevation", abs(f.altitude - a.elevation) <= 50,
                             "\(id) altitude \(f.altitude) vs field \(a.elevation)")
                report.check("landing.slow", f.speed < 40, "\(id) \(f.speed) kt 60 s after landing")
            }
            for e in dueTouchAndGo.removeValue(forKey: tick) ?? [] {
                let id = e.flightId ?? ""
                guard let f = byId[id], let a = airports[e.airport ?? ""] else { continue }
                report.check("touchAndGo.onGround", abs(f.altitude - a.elevation) <= 50 && f.speed > 25,
                             "\(id) \(f.altitude) ft \(f.speed) kt 10 s into a touch-and-go at \(a.icao) (\(a.elevation))")
            }
            for (id, start) in frozen {
                guard let f = byId[id] else { continue }
                var expected = start.sample
                expected.pilotState = f.pilotState
                report.check("pilotState.frozen", f == expected, "\(id) moved while away")
            }
            if tick % 15 == 0 {
                for f in world.servers[0].flights where !f.phase.isAirborne && f.frozen == nil {
                    let field = (f.phase == .parked || f.phase == .taxiOut || f.phase == .takeoffRoll)
                        ? f.origin.elevation : f.destination.elevation
                    report.check("ground.gearHeight", (0...10).contains(f.altitude - field), "\(f.flightId) \(f.altitude - field) ft")
                    if f.phase == .taxiOut || f.phase == .taxiIn {
                        report.check("ground.taxiSpeed", (5...25).contains(f.groundSpeed), "\(f.flightId) taxi \(f.groundSpeed) kt")
                    }
                }
                for f in world.servers[0].flights where f.phase == .climb && f.frozen == nil && f.verticalSpeed > 1_000 {
                    report.check("climb.rate", f.verticalSpeed <= 3_300, "\(f.flightId) climbing \(f.verticalSpeed) fpm")
                }
            }
        }
        // World status agrees with the filed plans.
        let snapshot = world.snapshot(server: Fixtures.expert)
        let statuses = (try? world.worldStatus(server: Fixtures.expert.id)) ?? []
        var inbound: [String: Set<String>] = [:]
        var outbound: [String: Set<String>] = [:]
        for (id, plan) in snapshot.flightPlans {
            if let d = plan.destination { inbound[d, default: []].insert(id) }
            if let o = plan.origin { outbound[o, default: []].insert(id) }
        }
        for s in statuses {
            report.check("status.inbound", Set(s.inboundFlights) == inbound[s.airportIcao] ?? [] && s.inboundFlightsCount == s.inboundFlights.count,
                         "\(s.airportIcao) inbound \(s.inboundFlightsCount) vs plans \(inbound[s.airportIcao]?.count ?? 0)")
            report.check("status.outbound", Set(s.outboundFlights) == outbound[s.airportIcao] ?? [],
                         "\(s.airportIcao) outbound mismatch")
        }
        report.check("status.coversPlans", Set(statuses.map(\.airportIcao)).isSuperset(of: inbound.keys), "airport missing from world")
        return report
    }

    @Test func aLandingIsFollowedByTheAircraftSlowOnTheGroundAtThatAirport() {
        let r = Self.report
        #expect(r.checked("landing.atAirport") > 20)
        #expect(r.failures("landing.listedAfter") == [])
        #expect(r.failures("landing.atAirport") == [])
        #expect(r.failures("landing.fieldElevation") == [])
        #expect(r.failures("landing.slow") == [])
        #expect(r.failures("landing.rate") == [])
    }

    @Test func touchAndGoRollsLast25To45SecondsOnTheGround() {
        let r = Self.report
        #expect(r.checked("touchAndGo.onGround") > 0)
        #expect(r.failures("touchAndGo.onGround") == [])
        #expect(r.failures("touchAndGo.roll") == [])
    }

    @Test func takeoffsHappenAtTheSpawnAirport() {
        let r = Self.report
        #expect(r.checked("takeoff.spawnAirport") > 20)
        #expect(r.failures("takeoff.spawnAirport") == [])
        #expect(r.failures("takeoff.position") == [])
    }

    @Test func closedFrequenciesLeaveAndOpenedOnesJoinTheATCList() {
        let r = Self.report
        #expect(r.checked("atc.closed.gone") > 0)
        #expect(r.checked("atc.opened.listed") > 0)
        #expect(r.failures("atc.closed.gone") == [])
        #expect(r.failures("atc.opened.listed") == [])
    }

    @Test func offlineFlightsAreGoneAndOnlineOnesListed() {
        let r = Self.report
        #expect(r.checked("offline.gone") > 10)
        #expect(r.failures("offline.gone") == [])
        #expect(r.failures("online.listed") == [])
    }

    @Test func awayPilotsReportFrozenValuesAndNeverChangePhase() {
        let r = Self.report
        #expect(r.checked("pilotState.frozen") > 0)
        #expect(r.failures("pilotState.frozen") == [])
        #expect(r.failures("pilotState.noPhaseChange") == [])
    }

    @Test func groundAltitudeIsFieldElevationPlusGearAndTaxiIs5To25Knots() {
        let r = Self.report
        #expect(r.failures("ground.gearHeight") == [])
        #expect(r.checked("ground.taxiSpeed") > 0)
        #expect(r.failures("ground.taxiSpeed") == [])
        #expect(r.failures("climb.rate") == [])
    }

    @Test func worldStatusCountsAgreeWithFiledPlans() {
        let r = Self.report
        #expect(r.checked("status.inbound") > 10)
        #expect(r.failures("status.inbound") == [])
        #expect(r.failures("status.outbound") == [])
        #expect(r.failures("status.coversPlans") == [])
    }
}
