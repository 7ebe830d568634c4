import Foundation
import SquawkCore
import SquawkLiveAPI

// MARK: - Live API errors

/// A Live API `errorCode` the simulator answers with (in the body, HTTP 200).
struct LiveAPIFailure: Error, Sendable {
    var code: Int
    static let userNotFound = LiveAPIFailure(code: 1)
    static let missingParameters = LiveAPIFailure(code: 2)
    static let endpointError = LiveAPIFailure(code: 3)
    static let notAuthorized = LiveAPIFailure(code: 4)
    static let serverNotFound = LiveAPIFailure(code: 5)
    static let flightNotFound = LiveAPIFailure(code: 6)
    static let noAtis = LiveAPIFailure(code: 7)
}

// MARK: - The world as Live API models

/// Everything the HTTP layer serves, as the Live API client's own Codable models.
extension World {
    /// The server with this id (case-insensitive), or ServerNotFound.
    func serverIndex(id: String) throws(LiveAPIFailure) -> Int {
        guard let s = servers.firstIndex(where: { $0.ref.id.lowercased() == id.lowercased() }) else {
            throw .serverNotFound
        }
        return s
    }

    /// The flight with this id on server `s`, or FlightNotFound.
    func flightIndex(_ s: Int, _ flightId: String) throws(LiveAPIFailure) -> Int {
        guard let i = servers[s].flights.firstIndex(where: { $0.flightId == flightId.lowercased() || $0.flightId == flightId })
        else { throw .flightNotFound }
        return i
    }

    /// `GET /sessions`.
    func sessionInfos() -> [SessionInfo] {
        servers.map { sw in
            SessionInfo(id: sw.ref.id, name: sw.ref.name, maxUsers: max(1_000, config.flightsPerServer * 2),
                        userCount: sw.flights.count + Set(sw.frequencies.map(\.userId)).count,
                        type: sw.ref.name.lowercased().contains("expert") ? 1 : 0)
        }
    }

    /// `GET /sessions/{id}/flights`.
    func flightEntries(server id: String) throws(LiveAPIFailure) -> [FlightEntry] {
        let s = try serverIndex(id: id)
        let date = now
        return listedFlights(servers[s]).map { f in
            let r = f.report(at: date)
            return FlightEntry(
                flightId: r.flightId, userId: r.userId, aircraftId: r.aircraftId, liveryId: r.liveryId,
                username: r.username, virtualOrganization: r.virtualOrganization, callsign: r.callsign,
                latitude: r.latitude, longitude: r.longitude, altitude: r.altitude, speed: r.speed,
                verticalSpeed: r.verticalSpeed, track: r.track, heading: r.heading, lastReport: r.lastReport,
                pilotState: r.pilotState?.rawValue
            )
        }
    }

    /// The flights list of `server` as the simulator serves it (`{"errorCode":0,"result":[…]}`);
    /// what benchmarks encode. Unknown server: `nil`.
    public func flightsJSON(server: ServerRef) throws -> Data? {
        guard let flights = try? flightEntries(server: server.id) else { return nil }
        return try LiveAPIDate.makeEncoder().encode(LiveAPIEnvelope(errorCode: 0, result: flights))
    }

    /// `GET /sessions/{id}/flights/{fid}/route`: a point every 60 s since the aircraft first moved.
    func routeReports(server id: String, flight: String) throws(LiveAPIFailure) -> [PositionReport] {
        let s = try serverIndex(id: id)
        let f = servers[s].flights[try flightIndex(s, flight)]
        return f.trail.map {
            PositionReport(latitude: $0.position.lat, longitude: $0.position.lon, altitude: $0.altitude, track: $0.track,
                           groundSpeed: $0.groundSpeed, date: config.start.addingTimeInterval(Double($0.tick)))
        }
    }

    /// `GET /sessions/{id}/flights/{fid}/flightplan`. A flight without a filed plan gets an
    /// empty plan (no items, no waypoints): the flight exists, it just has nothing filed.
    func flightPlanInfo(server id: String, flight: String) throws(LiveAPIFailure) -> FlightPlanInfo {
        let s = try serverIndex(id: id)
        let f = servers[s].flights[try flightIndex(s, flight)]
        guard f.filed, let plan = f.plan else {
            return FlightPlanInfo(flightPlanId: "00000000-0000-0000-0000-000000000000", flightId: f.flightId, waypoints: [],
                                  lastUpdate: config.start.addingTimeInterval(Double(f.spawnTick)), flightPlanItems: [])
        }
        func item(_ i: SimFlightPlan.Item) -> FlightPlanItem {
            let isProcedure = i.children != nil
            return FlightPlanItem(
                name: i.name, type: isProcedure ? i.kind.rawValue : 0, children: i.children?.map(item),
                identifier: i.kind == .fix && !isProcedure ? nil : i.name, altitude: i.altitude,
                location: isProcedure ? Coordinate(latitude: 0, longitude: 0, altitude: 0)
                    : Coordinate(latitude: i.position.lat, longitude: i.position.lon, altitude: 0)
            )
        }
        return FlightPlanInfo(flightPlanId: plan.id, flightId: f.flightId, waypoints: plan.items.map(\.name),
                              lastUpdate: plan.lastUpdate, flightPlanItems: plan.items.map(item))
    }

    /// An ATC frequency as the API shows it.
    func facility(_ f: SimFrequency) -> ActiveATCFacility {
        ActiveATCFacility(frequencyId: f.frequencyId, userId: f.userId, username: f.username,
                          virtualOrganization: f.virtualOrganization, airportName: f.airport, type: f.type,
                          latitude: f.position.lat, longitude: f.position.lon,
                          startTime: config.start.addingTimeInterval(Double(f.openedTick)))
    }

    /// `GET /sessions/{id}/atc`.
    func facilities(server id: String) throws(LiveAPIFailure) -> [ActiveATCFacility] {
        let s = try serverIndex(id: id)
        return servers[s].frequencies.map(facility)
    }

    /// `GET /sessions/{id}/airport/{icao}/atis`: the text, or NoAtisAvailable.
    func atisText(server id: String, icao: String) throws(LiveAPIFailure) -> String {
        let s = try serverIndex(id: id)
        guard let a = servers[s].atis.first(where: { $0.icao == icao.uppercased() }) else { throw .noAtis }
        return a.text
    }

    /// Inbound/outbound flights (by filed plan) and ATC per airport, for status and world.
    func airportStatuses(_ s: Int, only icao: String? = nil) -> [AirportStatus] {
        var inbound: [String: [String]] = [:]
        var outbound: [String: [String]] = [:]
        var atc: [String: [ActiveATCFacility]] = [:]
        for f in servers[s].flights where f.filed {
            guard let plan = f.plan else { continue }
            if let o = plan.origin, icao == nil || o == icao { outbound[o, default: []].append(f.flightId) }
            if let d = plan.destination, icao == nil || d == icao { inbound[d, default: []].append(f.flightId) }
        }
        for fr in servers[s].frequencies {
            guard let a = fr.airport, icao == nil || a == icao else { continue }
            atc[a, default: []].append(facility(fr))
        }
        var keys = Set(inbound.keys).union(outbound.keys).union(atc.keys)
        if let icao { keys.insert(icao) }
        return keys.sorted().map { k in
            AirportStatus(airportIcao: k, inboundFlightsCount: inbound[k]?.count ?? 0, inboundFlights: inbound[k] ?? [],
                          outboundFlightsCount: outbound[k]?.count ?? 0, outboundFlights: outbound[k] ?? [],
                          atcFacilities: atc[k] ?? [])
        }
    }

    /// `GET /sessions/{id}/airport/{icao}/status`.
    func airportStatus(server id: String, icao: String) throws(LiveAPIFailure) -> AirportStatus {
        let s = try serverIndex(id: id)
        return airportStatuses(s, only: icao.uppercased())[0]
    }

    /// `GET /sessions/{id}/world`: every airport with traffic or ATC, sorted by ICAO.
    func worldStatus(server id: String) throws(LiveAPIFailure) -> [AirportStatus] {
        airportStatuses(try serverIndex(id: id))
    }

    /// `GET /sessions/{id}/notams`: a few fixed NOTAMs at hubs (derived from the seed).
    func notams(server id: String) throws(LiveAPIFailure) -> [Notam] {
        let s = try serverIndex(id: id)
        guard !atcAirports.isEmpty else { return [] }
        var rng = SimRandom(seed: SimRandom.mix(config.seed, 0x4074, UInt64(s)))
        let texts = [
            ("Special Airport Procedures", "No straight-in approaches allowed. Expect vectors for the active runway."),
            ("Runway Closure", "Secondary runway closed for maintenance. Taxiway lighting unserviceable."),
            ("Event Traffic", "Heavy event traffic expected. Expect holding and ground delays."),
        ]
        return texts.enumerated().map { i, t in
            let a = rng.pick(atcAirports)
            return Notam(id: rng.uuid(), title: t.0, author: "Infinite Flight", type: i == 2 ? 1 : 0,
                         sessionId: i == 0 ? nil : servers[s].ref.id, radius: Double(rng.int(2...10)), message: t.1,
                         latitude: a.airport.latitude, longitude: a.airport.longitude, icao: a.icao, floor: 0,
                         ceiling: rng.int(5...18) * 1_000, startTime: config.start.addingTimeInterval(-86_400 * Double(i + 1)),
                         endTime: Date(timeIntervalSince1970: 4_102_504_440))
        }
    }

    // MARK: - Users

    /// `POST /users`: stats for every known user named by id, forum name or hash.
    func userStats(_ request: UserStatsRequest) throws(LiveAPIFailure) -> [UserStats] {
        guard request.count > 0 else { throw .missingParameters }
        var found: [SimUser] = []
        var seen = Set<String>()
        func add(_ u: SimUser?) { if let u, seen.insert(u.id).inserted { found.append(u) } }
        for id in request.userIds ?? [] { add(users[id.lowercased()]) }
        let names = Set((request.discourseNames ?? []).map { $0.lowercased() })
        let hashes = Set((request.userHashes ?? []).map { $0.uppercased() })
        if !names.isEmpty || !hashes.isEmpty {
            for id in users.keys.sorted() {
                let u = users[id]!
                if let n = u.username?.lowercased(), names.contains(n) { add(u) } else if hashes.contains(u.hash) { add(u) }
            }
        }
        guard !found.isEmpty else { throw .userNotFound }
        return found.map(stats)
    }

    /// Synthetic statistics of a user (stable per id), plus what they did in this world.
    func stats(_ u: SimUser) -> UserStats {
        var r = u.statsRandom
        let flights = r.int(0...3_000)
        let level1 = r.int(0...40)
        let worldLandings = u.flights.reduce(0) { $0 + $1.landings }
        return UserStats(
            userId: u.id, virtualOrganization: u.virtualOrganization, discourseUsername: u.username,
            groups: u.isController ? ["df0f6341-5f6a-40ef-8b73-087a0ec255b5"] : [], roles: u.isController ? [64] : [],
            onlineFlights: flights + u.flights.count, violations: level1,
            violationCountByLevel: ViolationCountByLevel(level1: level1, level2: r.int(0...1), level3: 0),
            xp: Double(flights * r.int(80...400)), landingCount: flights + worldLandings,
            flightTime: Double(flights * r.int(40...200)), atcOperations: u.isController ? r.int(100...20_000) : 0,
            atcRank: u.isController ? r.int(1...7) : nil, grade: r.int(1...5), hash: u.hash
        )
    }

    /// The user with this id, or UserNotFound.
    func user(_ id: String) throws(LiveAPIFailure) -> SimUser {
        guard let u = users[id.lowercased()] ?? users[id] else { throw .userNotFound }
        return u
    }

    /// `GET /users/{id}`: the grade table.
    func gradeInfo(user id: String) throws(LiveAPIFailure) -> GradeInfo {
        let u = try user(id)
        let s = stats(u)
        let definitions = [
            GradeRuleDefinition(name: "XP", description: "Total XP earned in multiplayer", property: "totalXP",
                                operator: 2, period: 0, order: 0, group: 0),
            GradeRuleDefinition(name: "Landings (90 days)", description: "Landings in the last 90 days",
                                property: "landingCount90Days", operator: 2, period: 90, order: 1, group: 0),
            GradeRuleDefinition(name: "Level 1 violations (1 year)", description: "Level 1 violations in the last year",
                                property: "level1ViolationsLastYear", operator: 3, period: 365, order: 2, group: 0),
        ]
        let thresholds: [(xp: Double, landings: Double, violations: Double)] = [
            (0, 0, 1_000), (2_000, 5, 50), (20_000, 10, 20), (50_000, 20, 10), (100_000, 40, 5),
        ]
        let landings90 = Double(min(s.landingCount, 200))
        let grades = thresholds.enumerated().map { i, t in
            let values = [(t.xp, s.xp), (t.landings, landings90), (t.violations, Double(s.violations))]
            let rules = values.enumerated().map { j, v in
                let ok = j == 2 ? v.1 <= v.0 : v.1 >= v.0
                return GradeRule(ruleIndex: j, referenceValue: v.0, userValue: v.1, state: ok ? 1 : 0,
                                 userValueString: String(Int(v.1)), referenceValueString: String(Int(v.0)),
                                 definition: definitions[j])
            }
            return Grade(rules: rules, index: i, name: "Grade \(i + 1)", state: rules.allSatisfy { $0.state == 1 } ? 1 : 0)
        }
        let index = max(0, min(s.grade - 1, grades.count - 1))
        return GradeInfo(
            userId: u.id, virtualOrganization: u.virtualOrganization, discourseUsername: u.username, groups: s.groups,
            roles: s.roles, gradeDetails: GradeConfiguration(grades: grades, gradeIndex: index, ruleDefinitions: definitions),
            violationCountByLevel: s.violationCountByLevel, totalXP: s.xp, atcOperations: s.atcOperations,
            atcRank: s.atcRank, total12MonthsViolations: s.violations,
            lastLevel1ViolationDate: config.start.addingTimeInterval(-86_400 * Double(1 + s.violations)),
            lastReportViolationDate: Date(timeIntervalSince1970: -62_135_596_800)
        )
    }

    /// The user's logbook, newest first: flights completed in this world, then a synthetic past.
    func logbook(_ u: SimUser) -> [UserFlight] {
        var out: [UserFlight] = u.flights.reversed().map { f in
            UserFlight(id: f.id, created: f.created, userId: u.id, aircraftId: f.aircraftId, liveryId: f.liveryId,
                       callsign: f.callsign, server: f.server, dayTime: f.minutes, nightTime: 0, totalTime: f.minutes,
                       landingCount: f.landings, originAirport: f.origin, destinationAirport: f.destination,
                       xp: Int(f.minutes * 10))
        }
        var r = u.statsRandom.derived(0x10_6B00C)
        let count = u.isController ? r.int(0...12) : r.int(0...35)
        var date = config.start
        for i in 0..<count {
            date = date.addingTimeInterval(-r.uniform(3_600, 4 * 86_400))
            let type = AircraftCatalog.all[r.weighted(AircraftCatalog.weights)]
            let minutes = (r.uniform(2, 600) * 1_000).rounded() / 1_000
            let night = r.chance(0.3) ? (minutes * r.unit() * 1_000).rounded() / 1_000 : 0
            let origin = airports.isEmpty ? nil : Optional(r.pick(airports).icao)
            out.append(UserFlight(
                id: SimRandom.stableUUID("logbook:\(u.id):\(i)"), created: date, userId: u.id, aircraftId: type.id,
                liveryId: type.liveryId(r.int(0...(type.liveries.count - 1))),
                callsign: NameCatalog.callsign(&r, category: type.category),
                server: r.pick(["Casual Server", "Training Server", "Expert Server"]), dayTime: minutes - night,
                nightTime: night, totalTime: minutes, landingCount: r.int(0...2), originAirport: origin,
                destinationAirport: r.chance(0.85) ? (airports.isEmpty ? nil : r.pick(airports).icao) : nil,
                xp: Int(minutes * 8)
            ))
        }
        return out
    }

    /// One page (10 entries, from 1) of a list.
    func page<T>(_ all: [T], _ page: Int) -> PaginatedList<T> {
        let size = 10
        let pages = max(1, (all.count + size - 1) / size)
        let p = max(1, page)
        let lo = min(all.count, (p - 1) * size)
        return PaginatedList(pageIndex: p, totalPages: pages, totalCount: all.count, hasPreviousPage: p > 1,
                             hasNextPage: p < pages, data: Array(all[lo..<min(all.count, lo + size)]))
    }

    /// `GET /users/{id}/flights?page=`.
    func userFlights(user id: String, page p: Int) throws(LiveAPIFailure) -> PaginatedList<UserFlight> {
        page(logbook(try user(id)), p)
    }

    /// `GET /users/{id}/flights/{fid}`.
    func userFlight(user id: String, flight: String) throws(LiveAPIFailure) -> UserFlight {
        guard let f = logbook(try user(id)).first(where: { $0.id == flight.lowercased() }) else { throw .flightNotFound }
        return f
    }

    /// The user's ATC log, newest first.
    func atcLog(_ u: SimUser) -> [UserAtcSession] {
        u.atcSessions.reversed().map { a in
            UserAtcSession(id: a.id, atcSessionGroupId: a.groupId,
                           facility: ATCFacility(id: a.facilityId, airportIcao: a.airport, latitude: a.latitude,
                                                 longitude: a.longitude, frequencyType: a.type),
                           created: a.created, updated: a.updated, operations: a.operations,
                           totalTime: a.updated.timeIntervalSince(a.created) / 60)
        }
    }

    /// `GET /users/{id}/atc?page=`.
    func userATCSessions(user id: String, page p: Int) throws(LiveAPIFailure) -> PaginatedList<UserAtcSession> {
        page(atcLog(try user(id)), p)
    }

    /// `GET /users/{id}/atc/{sid}`.
    func userATCSession(user id: String, session: String) throws(LiveAPIFailure) -> UserAtcSession {
        guard let a = atcLog(try user(id)).first(where: { $0.id == session.lowercased() }) else { throw .endpointError }
        return a
    }
}

// MARK: - Static catalogs

/// The server-independent lists: aircraft, liveries, oceanic tracks.
enum StaticCatalog {
    static var aircraft: [AircraftPackage] {
        AircraftCatalog.all.map { AircraftPackage(id: $0.id, name: $0.name) }
    }

    /// The liveries of the aircraft with this id (empty for an unknown one).
    static func liveries(aircraft id: String) -> [LiveryData] {
        AircraftCatalog.all.filter { $0.id == id.lowercased() }.flatMap(liveries)
    }

    static var allLiveries: [LiveryData] { AircraftCatalog.all.flatMap(liveries) }

    /// The liveries of one aircraft type.
    static func liveries(_ t: AircraftType) -> [LiveryData] {
        t.liveries.indices.map { LiveryData(id: t.liveryId($0), aircraftID: t.id, aircraftName: t.name, liveryName: t.liveries[$0]) }
    }

    /// Today's North Atlantic Tracks (fixed set), last seen at the start of the sim day.
    static func tracks(now: Date) -> [OceanicTrack] {
        let day = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        let seen = Date(timeIntervalSince1970: day + 3_600)
        return [
            OceanicTrack(name: "A", path: ["DINIM", "51/20", "51/30", "50/40", "49/50", "JOOPY"], eastLevels: nil,
                         westLevels: [350, 370, 390], type: "North Atlantic Tracks", lastSeen: seen),
            OceanicTrack(name: "B", path: ["SOMAX", "50/20", "50/30", "49/40", "48/50", "ELSIR"], eastLevels: nil,
                         westLevels: [340, 360, 380], type: "North Atlantic Tracks", lastSeen: seen),
            OceanicTrack(name: "W", path: ["ALLRY", "51/50", "52/40", "53/30", "54/20", "DOGAL"],
                         eastLevels: [330, 350, 370, 390], westLevels: nil, type: "North Atlantic Tracks", lastSeen: seen),
        ]
    }
}
