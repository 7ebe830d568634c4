import Foundation
import SquawkCore

// MARK: - ATC and ATIS

extension World {
    /// Controller groups a controller opens together, with their relative frequency.
    static let groupShapes: [(kinds: [FrequencyKind], weight: Double)] = [
        ([.tower], 25), ([.ground, .tower], 25), ([.ground, .tower, .atis], 8), ([.approach, .departure], 14),
        ([.approach], 10), ([.clearance, .ground], 6), ([.unicom], 2), ([.center], 10),
    ]

    /// Regions where center frequencies sit (airportName null).
    static let centerPositions: [GeoPoint] = [
        GeoPoint(lat: 40.7, lon: -96.0), GeoPoint(lat: 51.0, lon: 1.5), GeoPoint(lat: 48.5, lon: 10.0),
        GeoPoint(lat: 35.5, lon: 139.0), GeoPoint(lat: -33.5, lon: 150.5), GeoPoint(lat: 25.0, lon: 55.0),
        GeoPoint(lat: 34.0, lon: -118.0), GeoPoint(lat: 1.3, lon: 103.8),
    ]

    /// Open controller groups each server aims for (none when the random world is off).
    var targetATCGroups: Int {
        config.flightsPerServer == 0 ? 0 : max(2, config.flightsPerServer / 60)
    }

    /// Mean length of a controller session, seconds (sessions last 15–75 min).
    static let meanATCSession = 2_700.0

    /// Creates each server's pool of controller accounts.
    func makeControllers(server s: Int) {
        var rng = servers[s].rng.derived(0xC0_47_201)
        let count = max(12, targetATCGroups * 2)
        for _ in 0..<count {
            let id = rng.uuid()
            let name = NameCatalog.username(&rng, linkedShare: 0.92)
            users[id] = SimUser(id: id, username: name, virtualOrganization: name != nil && rng.chance(0.6) ? "IFATC [IFATC]" : nil,
                                isController: true)
            servers[s].controllers.append(id)
        }
    }

    /// Opens about the target number of controller groups as if they had been open for a while.
    func openInitialATC(server s: Int, _ ctx: StepContext, events: inout [TruthEvent]) {
        for _ in 0..<targetATCGroups {
            let age = servers[s].rng.int(60...2_400)
            openRandomGroup(server: s, ctx, openedTick: ctx.tick - age, initial: true, events: &events)
        }
        updateATIS(server: s, ctx, events: &events)
    }

    /// One second of ATC on a server: scheduled closings, random openings, ATIS letters.
    func runATC(server s: Int, _ ctx: StepContext, events: inout [TruthEvent]) {
        var changed = false
        var i = 0
        while i < servers[s].frequencies.count {
            let f = servers[s].frequencies[i]
            if let close = f.closeTick, ctx.tick >= close {
                servers[s].frequencies.remove(at: i)
                closeFrequency(f, server: s, ctx, events: &events)
                changed = true
            } else {
                i += 1
            }
        }
        let groups = targetATCGroups
        if groups > 0, !atcAirports.isEmpty, servers[s].rng.chance(Double(groups) / World.meanATCSession) {
            openRandomGroup(server: s, ctx, openedTick: ctx.tick, initial: false, events: &events)
            changed = true
        }
        if changed || servers[s].atis.contains(where: { ctx.tick >= $0.nextChangeTick }) {
            updateATIS(server: s, ctx, events: &events)
        }
    }

    /// Opens one random controller group at a hub (or a center frequency).
    func openRandomGroup(server s: Int, _ ctx: StepContext, openedTick: Int, initial: Bool, events: inout [TruthEvent]) {
        var rng = servers[s].rng
        let shape = World.groupShapes[rng.weighted(World.groupShapes.map(\.weight))].kinds
        let controller = rng.pick(servers[s].controllers)
        let duration = rng.int(900...4_500)
        let groupId = rng.uuid()
        var airport: AirportGeo?
        var position: GeoPoint
        if shape == [.center] {
            let base = rng.pick(World.centerPositions)
            position = base.moved(bearing: rng.uniform(0, 360), distance: rng.uniform(0, 80))
        } else {
            // A hub where none of these kinds is open yet.
            var pickAirport: AirportGeo?
            for _ in 0..<8 {
                let a = rng.pick(atcAirports)
                let taken = servers[s].frequencies.contains { $0.airport == a.icao && shape.contains($0.kind) }
                if !taken { pickAirport = a; break }
            }
            guard let a = pickAirport else { servers[s].rng = rng; return }
            airport = a
            position = a.reference
        }
        var opened: [SimFrequency] = []
        for kind in shape {
            guard let raw = config.frequencyTable.raw(kind) else { continue }
            let early = rng.chance(0.2) ? Int(Double(duration) * rng.uniform(0.5, 0.9)) : duration
            opened.append(SimFrequency(
                frequencyId: rng.uuid(), userId: controller, username: users[controller]?.username,
                virtualOrganization: nil, airport: airport?.icao, kind: kind, type: raw, position: position,
                openedTick: openedTick, closeTick: max(ctx.tick + 30, openedTick + early), groupId: groupId, scripted: false
            ))
        }
        servers[s].rng = rng
        for f in opened { openFrequency(f, server: s, ctx, initial: initial, events: &events) }
    }

    /// Adds an open frequency; truth `atc.opened`.
    func openFrequency(_ f: SimFrequency, server s: Int, _ ctx: StepContext, initial: Bool, events: inout [TruthEvent]) {
        servers[s].frequencies.append(f)
        events.append(TruthEvent(
            type: .atcOpened, at: ctx.date, server: ctx.serverId, userId: f.userId, airport: f.airport,
            frequencyId: f.frequencyId, frequencyType: f.type,
            details: ["username": f.username.map(JSONValue.string) ?? .null, "kind": .string(f.kind.rawValue),
                      "initial": .bool(initial)]
        ))
    }

    /// Records a closed frequency (already removed); truth `atc.closed`.
    func closeFrequency(_ f: SimFrequency, server s: Int, _ ctx: StepContext, events: inout [TruthEvent]) {
        events.append(TruthEvent(
            type: .atcClosed, at: ctx.date, server: ctx.serverId, userId: f.userId, airport: f.airport,
            frequencyId: f.frequencyId, frequencyType: f.type,
            details: ["username": f.username.map(JSONValue.string) ?? .null, "kind": .string(f.kind.rawValue)]
        ))
        let minutes = Double(ctx.tick - f.openedTick) / 60
        users[f.userId]?.atcSessions.append(SimUser.LoggedATC(
            id: SimRandom.stableUUID("atc-session:\(f.frequencyId)"), groupId: f.groupId, facilityId: f.frequencyId,
            airport: f.airport, latitude: f.position.lat, longitude: f.position.lon, type: f.type,
            created: config.start.addingTimeInterval(Double(f.openedTick)), updated: ctx.date,
            operations: Int(minutes / 4)
        ))
    }

    /// Brings ATIS in line with open ATC: appears with the first frequency at an airport,
    /// goes with the last, and its letter advances every 30–60 minutes. Truth `atis.changed`
    /// for each of those.
    func updateATIS(server s: Int, _ ctx: StepContext, events: inout [TruthEvent]) {
        let staffed = Set(servers[s].frequencies.compactMap(\.airport))
        var next: [AtisState] = []
        var rng = servers[s].rng
        // Existing ATIS: keep, advance or drop (sorted order).
        for var a in servers[s].atis {
            if !staffed.contains(a.icao) {
                events.append(atisEvent(ctx, icao: a.icao, letter: nil, previous: a.letter, text: nil))
                continue
            }
            if ctx.tick >= a.nextChangeTick {
                let previous = a.letter
                a.letter = (a.letter + 1) % 26
                a.nextChangeTick = ctx.tick + rng.int(1_800...3_600)
                a.text = atisText(icao: a.icao, letter: a.letter, ctx, rng: &rng)
                events.append(atisEvent(ctx, icao: a.icao, letter: a.letter, previous: previous, text: a.text))
            }
            next.append(a)
        }
        // New ATIS for newly staffed airports.
        let existing = Set(next.map(\.icao))
        for icao in staffed.sorted() where !existing.contains(icao) {
            let letter = rng.int(0...25)
            let text = atisText(icao: icao, letter: letter, ctx, rng: &rng)
            next.append(AtisState(icao: icao, letter: letter, nextChangeTick: ctx.tick + rng.int(1_800...3_600), text: text))
            events.append(atisEvent(ctx, icao: icao, letter: letter, previous: nil, text: text))
        }
        next.sort { $0.icao < $1.icao }
        servers[s].atis = next
        servers[s].rng = rng
    }

    /// Truth `atis.changed`; `letter` nil when the ATIS went away.
    func atisEvent(_ ctx: StepContext, icao: String, letter: Int?, previous: Int?, text: String?) -> TruthEvent {
        TruthEvent(type: .atisChanged, at: ctx.date, server: ctx.serverId, airport: icao, details: [
            "letter": letter.map { .string(String(UnicodeScalar(UInt8(65 + $0)))) } ?? .null,
            "previousLetter": previous.map { .string(String(UnicodeScalar(UInt8(65 + $0)))) } ?? .null,
            "text": text.map(JSONValue.string) ?? .null,
        ])
    }

    /// An ATIS broadcast in the style of the Live API sample.
    func atisText(icao: String, letter: Int, _ ctx: StepContext, rng: inout SimRandom) -> String {
        let geo = config.airports[icao].map(AirportGeo.init)
        let name = geo?.airport.name ?? icao
        let runway = geo?.runwayName ?? "27"
        let word = NameCatalog.phonetic(letter)
        let seconds = Int(ctx.date.timeIntervalSince1970) % 86_400
        let time = String(format: "%02d%02d", seconds / 3_600, (seconds % 3_600) / 60)
        let windFrom = Int(Angle.normalize((geo?.runwayHeading ?? 270) + rng.jitter(30)) / 10) * 10
        let temperature = rng.int(-5...32)
        return "\(name), ATIS information \(word), time \(time) ZULU, Wind \(windFrom == 0 ? 360 : windFrom) at "
            + "\(rng.int(2...22)) Visibility \(rng.int(8...30)), Temperature \(temperature), Dew Point "
            + "\(temperature - rng.int(0...8)), QNH \(rng.int(998...1_032)). Landing Runway \(runway), Departing "
            + "Runway \(runway). Advise on initial contact, you have information \(word)."
    }
}
