import Foundation
import SquawkCore

// MARK: - Random flights

extension World {
    /// Keeps each server near its population target: the deficit is made up over ~90 s.
    func spawnRandom(server s: Int, _ ctx: StepContext, events: inout [TruthEvent]) {
        let target = config.flightsPerServer
        guard target > 0, !airports.isEmpty else { return }
        let deficit = Double(target - servers[s].flights.count)
        guard deficit > 0 else { return }
        let expected = deficit / 90
        var count = Int(expected)
        if servers[s].rng.chance(expected - Double(count)) { count += 1 }
        for _ in 0..<count { spawnRandomFlight(server: s, ctx, initial: false, events: &events) }
    }

    /// Creates one random flight. With `initial`, it is placed somewhere along its life (parked,
    /// taxiing, climbing, cruising, descending, taxiing in) so the world starts in a steady state.
    func spawnRandomFlight(server s: Int, _ ctx: StepContext, initial: Bool, events: inout [TruthEvent]) {
        var rng = servers[s].rng
        let originIndex = rng.weighted(airportWeights)
        let origin = airports[originIndex]
        let typeIndex = rng.weighted(AircraftCatalog.weights)
        let type = AircraftCatalog.all[typeIndex]
        var pattern = rng.chance(type.category == .generalAviation ? 0.25 : 0.02)
        var destination = origin
        if !pattern {
            var found: AirportGeo?
            for _ in 0..<24 {
                let c = airports[rng.weighted(airportWeights)]
                if c.icao != origin.icao, type.routeRange.contains(origin.reference.distance(to: c.reference)) {
                    found = c
                    break
                }
            }
            if let found { destination = found } else { pattern = true }
        }
        servers[s].spawnCounter += 1
        servers[s].rng = rng
        var f = makeFlight(server: s, serial: servers[s].spawnCounter, tick: ctx.tick, type: typeIndex,
                           origin: origin, destination: destination, pattern: pattern)
        registerPilot(f)
        if initial { place(&f, ctx) }
        events.append(f.event(.flightOnline, ctx, airport: f.phase.isAirborne ? nil : groundAirport(f).icao, details: [
            "initial": .bool(initial), "phase": .string(f.phase.rawValue),
        ]).with(airborne: f.phase.isAirborne))
        if f.filed { events.append(f.planEvent(.planFiled, ctx, reason: "filed")) }
        servers[s].flights.append(f)
    }

    /// The airport a flight on the ground is at.
    func groundAirport(_ f: SimFlight) -> AirportGeo {
        switch f.phase {
        case .rollout, .taxiIn, .arrived, .touchAndGo: f.destination
        default: f.origin
        }
    }

    /// Builds a random flight's identity, route, plan and scheduled happenings.
    func makeFlight(
        server s: Int, serial: UInt64, tick: Int, type typeIndex: Int, origin: AirportGeo,
        destination: AirportGeo, pattern: Bool
    ) -> SimFlight {
        var rng = SimRandom(seed: SimRandom.mix(config.seed, UInt64(s), serial))
        let type = AircraftCatalog.all[typeIndex]
        let flightId = rng.uuid()
        let userId = rng.uuid()
        let username = NameCatalog.username(&rng)
        let va = NameCatalog.virtualOrganization(&rng, hasUsername: username != nil)
        let callsign = NameCatalog.callsign(&rng, category: type.category)
        let livery = rng.int(0...(type.liveries.count - 1))
        let distance = origin.reference.distance(to: destination.reference)
        let cruiseAltitude: Double
        let cruiseSpeed: Double
        if pattern {
            cruiseAltitude = origin.elevation + Double(rng.int(10...15)) * 100
            cruiseSpeed = min(type.cruiseSpeed, type.approachSpeed + 30)
        } else {
            let perNM: Double = switch type.category {
            case .generalAviation: 60
            case .regional: 80
            case .narrowBody: 100
            case .wideBody: 110
            }
            let floor = max(origin.elevation, destination.elevation) + 3_000
            let raw = min(type.ceiling, max(floor, distance * perNM))
            cruiseAltitude = max(floor, (raw / 1_000).rounded(.down) * 1_000)
            cruiseSpeed = type.cruiseSpeed * rng.uniform(0.93, 1.07)
        }
        var f = SimFlight(
            flightId: flightId, userId: userId, username: username, callsign: callsign, virtualOrganization: va,
            aircraftIndex: typeIndex, liveryIndex: livery, rng: rng, spawnTick: tick, origin: origin,
            destination: destination, pattern: pattern, cruiseAltitude: cruiseAltitude, cruiseSpeed: cruiseSpeed
        )
        // Route and plan.
        var fixes: [GeoPoint] = []
        if !pattern {
            let n = max(1, min(10, Int(distance / 120)))
            let bearing = origin.reference.bearing(to: destination.reference)
            for i in 1...n {
                let along = distance * Double(i) / Double(n + 1)
                let p = origin.reference.moved(bearing: bearing, distance: along)
                let q = p.moved(bearing: p.bearing(to: destination.reference) + 90, distance: f.rng.jitter(6))
                fixes.append(q)
            }
        }
        let planDraw = f.rng.unit()
        let planMode: Int = pattern ? (planDraw < 0.3 ? 0 : 2) : (planDraw < 0.55 ? 0 : planDraw < 0.85 ? 1 : 2)
        if planMode < 2 {
            let planId = f.rng.uuid()
            let date = config.start.addingTimeInterval(Double(tick))
            if pattern {
                f.plan = SimFlightPlan(id: planId, items: [
                    .init(name: origin.icao, kind: .airport, position: origin.reference, altitude: Int(origin.elevation)),
                    .init(name: origin.icao, kind: .airport, position: origin.reference, altitude: Int(origin.elevation)),
                ], lastUpdate: date)
            } else {
                f.plan = SimFlightPlan.make(id: planId, origin: origin, destination: destination, fixes: fixes,
                                            filedAt: date, rng: &f.rng, includeOrigin: f.rng.chance(0.92))
            }
            if planMode == 0 { f.filed = true } else { f.planFileDelay = f.rng.int(5...90) }
        }
        if pattern {
            f.setCircuitRoute()
            f.touchAndGosLeft = f.rng.int(0...3)
        } else {
            f.setCrossCountryRoute(fixes: f.plan?.enroutePoints ?? fixes)
        }
        // Scheduled happenings.
        f.phaseTimer = f.rng.int(60...600)
        f.neverDeparts = f.rng.chance(0.03)
        if f.neverDeparts { f.phaseTimer = f.rng.int(300...1_200) }
        f.willDisconnect = !pattern && f.rng.chance(0.04)
        if f.plan != nil, !pattern, distance > 150, f.rng.chance(0.04) {
            f.divertAtRemaining = f.rng.uniform(60, min(300, distance * 0.6))
        }
        if f.plan != nil, !pattern, distance > 200, f.rng.chance(0.12) {
            f.amendAtRemaining = f.rng.uniform(100, distance * 0.8)
        }
        f.wantsCruiseEpisode = !pattern && f.rng.chance(0.10)
        if f.rng.chance(0.05) {
            let start = tick + f.rng.int(5...60)
            let end = start + f.rng.int(60...400)
            f.episode = (start, end, f.rng.chance(0.6) ? .awayParked : .inBackground)
            f.phaseTimer = max(f.phaseTimer, end - tick + 5)
        }
        return f
    }

    /// Adds the pilot to the user registry.
    func registerPilot(_ f: SimFlight) {
        if users[f.userId] == nil {
            users[f.userId] = SimUser(id: f.userId, username: f.username, virtualOrganization: f.virtualOrganization,
                                      isController: false)
        }
    }

    // MARK: - Initial placement

    /// Places a new flight somewhere along its life, for the world's first second.
    func place(_ f: inout SimFlight, _ ctx: StepContext) {
        let weights: [Double] = f.pattern ? [0.7, 0.3, 0, 0, 0, 0] : [0.14, 0.05, 0.08, 0.60, 0.08, 0.05]
        let choice = f.rng.weighted(weights)
        if f.episode != nil, choice != 0 { f.episode = nil }
        if choice > 0, f.planFileDelay != nil { f.filed = true; f.planFileDelay = nil }
        let length = f.origin.threshold.distance(to: f.route.first ?? f.origin.threshold) + (f.routeSuffix.first ?? 0)
        let tocDistance = max(3, (f.cruiseAltitude - f.origin.elevation) / 350)
        let todDistance = (f.cruiseAltitude - f.destination.elevation) / 318 + 5
        switch choice {
        case 0:
            f.phase = .parked
            if f.episode == nil { f.phaseTimer = f.rng.int(10...600) }
        case 1:
            f.phase = .taxiOut
            let gate = f.position
            let fraction = f.rng.uniform(0.05, 0.9)
            f.position = gate.moved(bearing: gate.bearing(to: f.origin.threshold),
                                    distance: gate.distance(to: f.origin.threshold) * fraction)
            f.groundSpeed = f.taxiSpeed
            f.taxiTarget = f.origin.threshold
        case 2, 3, 4:
            var phase = choice
            if phase == 3, length - todDistance <= tocDistance { phase = 2 }
            var d: Double
            var altitude: Double
            switch phase {
            case 2:
                d = f.rng.uniform(3, max(3.5, min(tocDistance, length * 0.4)))
                altitude = min(f.cruiseAltitude, f.origin.elevation + d * 350)
                f.phase = altitude >= f.cruiseAltitude ? .cruise : .climb
            case 3:
                d = f.rng.uniform(tocDistance, length - todDistance)
                altitude = f.cruiseAltitude
                f.phase = .cruise
            default:
                let r = f.rng.uniform(15, max(16, min(todDistance, length - 5)))
                d = max(3, length - r)
                altitude = min(f.cruiseAltitude, f.profileAltitude(remaining: r))
                f.phase = .descent
            }
            f.placeAlongRoute(d)
            f.altitude = altitude
            f.climbOut = false
            f.groundSpeed = f.phase == .climb ? f.climbSpeed() : f.phase == .cruise ? f.cruiseSpeed
                : min(f.cruiseSpeed, 250)
            f.verticalSpeed = f.phase == .climb ? f.climbRate : f.phase == .descent ? -f.groundSpeed * 5.3 : 0
            f.takeoffs = 1
            if f.willDisconnect { f.disconnectTick = ctx.tick + f.rng.int(60...3_600) }
            if f.phase == .cruise {
                f.lastRemaining = max(0, length - d)
                f.scheduleCruiseEpisode(ctx, remaining: f.lastRemaining)
            }
        default:
            f.phase = .taxiIn
            f.takeoffs = 1
            f.landings = 1
            f.touchAndGosLeft = 0
            f.position = f.destination.threshold.moved(bearing: f.destination.runwayHeading, distance: f.rng.uniform(0.5, 1.5))
            f.altitude = f.destination.elevation + f.gearHeight
            f.taxiTarget = f.destination.gate(&f.rng)
            f.groundSpeed = f.taxiSpeed
        }
    }
}

extension SimFlight {
    /// Puts the aircraft `distance` nm along its path (lift-off point, then the route).
    mutating func placeAlongRoute(_ distance: Double) {
        var from = origin.threshold
        var left = distance
        for (i, p) in route.enumerated() {
            let leg = from.distance(to: p)
            if left <= leg || i == route.count - 1 {
                let b = from.bearing(to: p)
                position = from.moved(bearing: b, distance: min(left, leg))
                routeIndex = i
                track = position.distance(to: p) > 0.01 ? position.bearing(to: p) : b
                heading = track
                return
            }
            left -= leg
            from = p
        }
    }
}
