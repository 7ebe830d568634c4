import Foundation
import SquawkCore

// MARK: - Scenario

/// Scripted happenings resolved against the world: flights ready to spawn and frequencies ready
/// to open, each list sorted by its tick (scenarios are small: each second scans them).
struct ScenarioQueue {
    var flights: [(tick: Int, server: Int, flight: SimFlight)] = []
    var atc: [(tick: Int, server: Int, frequency: SimFrequency)] = []
}

extension World {
    /// Resolves the configuration's scenario (unknown airports and impossible times become
    /// ``scenarioWarnings`` and are skipped).
    func buildScenario() -> ScenarioQueue {
        var queue = ScenarioQueue()
        guard let scenario = config.scenario else { return queue }
        for (i, spec) in scenario.flights.enumerated() {
            if let f = makeScriptedFlight(spec, serial: UInt64(i)) { queue.flights.append(f) }
        }
        for (i, spec) in scenario.atc.enumerated() {
            if let a = makeScriptedATC(spec, serial: UInt64(i)) { queue.atc.append(a) }
        }
        queue.flights.sort { $0.tick < $1.tick }
        queue.atc.sort { $0.tick < $1.tick }
        return queue
    }

    /// The server a scenario entry names: by id, by name, or by name prefix (`"Expert"`).
    func serverIndex(_ key: String?) -> Int? {
        guard let key, !key.isEmpty else { return servers.isEmpty ? nil : 0 }
        let lower = key.lowercased()
        return servers.firstIndex { $0.ref.id.lowercased() == lower || $0.ref.name.lowercased() == lower }
            ?? servers.firstIndex { $0.ref.name.lowercased().hasPrefix(lower) }
    }

    /// A scripted flight, or `nil` (with a warning) when the spec cannot be flown.
    func makeScriptedFlight(_ spec: Scenario.Flight, serial: UInt64) -> (tick: Int, server: Int, flight: SimFlight)? {
        let label = "flight \(spec.callsign)"
        guard let s = serverIndex(spec.server) else { warn("\(label): unknown server \(spec.server ?? "")"); return nil }
        guard let originAirport = config.airports[spec.origin] else { warn("\(label): unknown airport \(spec.origin)"); return nil }
        guard spec.spawnAt >= 0 else { warn("\(label): spawnAt must be >= 0"); return nil }
        let origin = AirportGeo(originAirport)
        var destination = origin
        if let d = spec.destination {
            guard let a = config.airports[d] else { warn("\(label): unknown airport \(d)"); return nil }
            destination = AirportGeo(a)
        }
        if spec.takeoffAt != nil || spec.landAt != nil {
            guard let t = spec.takeoffAt, let l = spec.landAt, spec.destination != nil, t > spec.spawnAt, l > t + 60 else {
                warn("\(label): takeoffAt, landAt and destination go together (spawnAt < takeoffAt < landAt - 60); it stays parked")
                return finishScripted(spec, s, serial, origin, origin, nil, nil)
            }
        }
        return finishScripted(spec, s, serial, origin, destination, spec.takeoffAt, spec.landAt)
    }

    /// Builds the flight and its timetable.
    private func finishScripted(
        _ spec: Scenario.Flight, _ s: Int, _ serial: UInt64, _ origin: AirportGeo, _ destination: AirportGeo,
        _ takeoff: Int?, _ land: Int?
    ) -> (tick: Int, server: Int, flight: SimFlight)? {
        var rng = SimRandom(seed: SimRandom.mix(config.seed, 0x5C_E4A1_10, serial))
        let typeIndex = spec.aircraft.flatMap(AircraftCatalog.find) ?? AircraftCatalog.find("Airbus A320") ?? 0
        let type = AircraftCatalog.all[typeIndex]
        let flightId = spec.flightId ?? rng.uuid()
        let userId = rng.uuid()
        var f = SimFlight(
            flightId: flightId, userId: userId, username: spec.username, callsign: spec.callsign,
            virtualOrganization: spec.virtualOrganization, aircraftIndex: typeIndex, liveryIndex: 0, rng: rng,
            spawnTick: spec.spawnAt, origin: origin, destination: destination, pattern: false,
            cruiseAltitude: type.ceiling, cruiseSpeed: type.cruiseSpeed
        )
        f.climbRate = 2_000
        f.touchdownRate = min(-1, spec.touchdownRate ?? -180)
        f.windCorrection = 0
        var plan = ScriptPlan(
            spawnTick: spec.spawnAt, taxiStartTick: spec.spawnAt, rollStartTick: spec.spawnAt, takeoffTick: takeoff,
            landTick: land, despawnTick: spec.despawnAt ?? land.map { $0 + 300 } ?? spec.spawnAt + 1_800,
            disconnectTick: spec.disconnectAt, planFileTick: nil, divertTick: nil, finalDestination: nil,
            episodes: spec.pilotStates ?? [], gate: f.position, arrivalGate: destination.gate(&f.rng)
        )
        if let takeoff, let land {
            let roll = min(35, takeoff - spec.spawnAt)
            plan.rollStartTick = takeoff - roll
            plan.rollDistance = type.rotateSpeed * Double(roll) / 2 / 3600
            let taxiSeconds = Int(plan.gate.distance(to: origin.threshold) / 12 * 3600)
            plan.taxiStartTick = max(spec.spawnAt, plan.rollStartTick - taxiSeconds)
            plan.liftoffPoint = origin.threshold.moved(bearing: origin.runwayHeading, distance: plan.rollDistance)
            plan.touchdownPoint = destination.threshold.moved(bearing: destination.runwayHeading, distance: 0.15)
            plan.distance = plan.liftoffPoint.distance(to: plan.touchdownPoint)
            plan.bearing = plan.liftoffPoint.bearing(to: plan.touchdownPoint)
            let total = Double(land - takeoff)
            plan.rampUp = min(600, total * 0.15)
            plan.rampDown = min(600, total * 0.15)
            let v0 = type.rotateSpeed, v1 = type.approachSpeed
            plan.cruise = max(1, (plan.distance * 3600 - v0 * plan.rampUp / 2 - v1 * plan.rampDown / 2)
                / max(1, total - plan.rampUp / 2 - plan.rampDown / 2))
            plan.cruiseAltitude = min(type.ceiling, max(max(origin.elevation, destination.elevation) + 2_000,
                                                        (plan.distance * 100 / 1_000).rounded() * 1_000))
        }
        // Flight plan: origin → planned destination; a diversion switches it to `destination`.
        let plannedICAO = spec.plannedDestination ?? spec.destination
        if let plannedICAO, spec.planFiledAt != -1, let planned = config.airports[plannedICAO].map(AirportGeo.init) {
            f.plan = SimFlightPlan.make(id: f.rng.uuid(), origin: origin, destination: planned, fixes: [],
                                        filedAt: config.start.addingTimeInterval(Double(spec.spawnAt)),
                                        rng: &f.rng, includeOrigin: true)
            plan.planFileTick = max(spec.spawnAt, spec.planFiledAt ?? spec.spawnAt)
            if let divert = spec.divertAt, planned.icao != destination.icao {
                plan.divertTick = divert
                plan.finalDestination = destination
            }
        } else if let plannedICAO, spec.planFiledAt != -1 {
            warn("flight \(spec.callsign): unknown airport \(plannedICAO)")
        }
        f.script = plan
        return (spec.spawnAt, s, f)
    }

    /// A scripted frequency, or `nil` (with a warning).
    func makeScriptedATC(_ spec: Scenario.ATC, serial: UInt64) -> (tick: Int, server: Int, frequency: SimFrequency)? {
        let label = "atc \(spec.airport ?? "center")@\(spec.opensAt)"
        guard let s = serverIndex(spec.server) else { warn("\(label): unknown server"); return nil }
        let kind: FrequencyKind
        let raw: Int
        switch spec.type {
        case .name(let name):
            guard let k = FrequencyKind(rawValue: name.lowercased()), let r = config.frequencyTable.raw(k) else {
                warn("\(label): unknown frequency type \(name)")
                return nil
            }
            kind = k
            raw = r
        case .raw(let r):
            kind = config.frequencyTable.kind(r)
            raw = r
        }
        var position = GeoPoint(lat: spec.latitude ?? 0, lon: spec.longitude ?? 0)
        if let icao = spec.airport {
            guard let a = config.airports[icao] else { warn("\(label): unknown airport"); return nil }
            if spec.latitude == nil { position = GeoPoint(lat: a.latitude, lon: a.longitude) }
        }
        guard spec.opensAt >= 0, (spec.closesAt ?? Int.max) > spec.opensAt else { warn("\(label): bad times"); return nil }
        var rng = SimRandom(seed: SimRandom.mix(config.seed, 0x5C_A7C, serial))
        let userId = rng.uuid()
        users[userId] = SimUser(id: userId, username: spec.username, virtualOrganization: nil, isController: true)
        let f = SimFrequency(
            frequencyId: spec.frequencyId ?? rng.uuid(), userId: userId, username: spec.username, virtualOrganization: nil,
            airport: spec.airport?.uppercased(), kind: kind, type: raw, position: position, openedTick: spec.opensAt,
            closeTick: spec.closesAt, groupId: rng.uuid(), scripted: true
        )
        return (spec.opensAt, s, f)
    }

    /// Spawns scripted flights and opens scripted frequencies due at this tick on server `s`.
    func runScenario(server s: Int, _ ctx: StepContext, events: inout [TruthEvent]) {
        var opened = false
        for i in scenario.atc.indices where scenario.atc[i].tick == ctx.tick && scenario.atc[i].server == s {
            openFrequency(scenario.atc[i].frequency, server: s, ctx, initial: false, events: &events)
            opened = true
        }
        if opened { updateATIS(server: s, ctx, events: &events) }
        for i in scenario.flights.indices where scenario.flights[i].tick == ctx.tick && scenario.flights[i].server == s {
            var f = scenario.flights[i].flight
            registerPilot(f)
            events.append(f.event(.flightOnline, ctx, airport: f.origin.icao, details: [
                "initial": .bool(false), "phase": "parked", "scripted": true,
            ]).with(airborne: false))
            if ctx.tick == 0 {
                // populate() does not step flights at tick 0: run the spawn second here.
                if f.step(ctx, events: &events) { continue }
            }
            servers[s].flights.append(f)
        }
    }
}
