import Foundation
import SquawkCore

/// What changes a flight on the way: diversions, amended plans, pilot-state episodes, the trail.
extension SimFlight {
    // MARK: - Plan changes

    /// The plan as the API shows it (nothing before it is filed).
    var visiblePlan: SimFlightPlan? { filed ? plan : nil }

    /// A plan event with the usual details.
    func planEvent(_ type: EventType, _ ctx: StepContext, reason: String) -> TruthEvent {
        let p = plan
        return event(type, ctx, airport: p?.destination, details: [
            "origin": p?.origin.map(JSONValue.string) ?? .null,
            "destination": p?.destination.map(JSONValue.string) ?? .null,
            "waypointCount": .number(Double(p?.flatWaypoints.count ?? 0)),
            "reason": .string(reason),
        ])
    }

    /// Diverts to a curated airport 30–250 nm away; truth `flight.diverted` + `flight.plan_changed`.
    mutating func divert(_ ctx: StepContext, events: inout [TruthEvent]) {
        guard filed, plan != nil else { return }
        let here = position
        // Far enough to get down on a normal profile from the present altitude.
        let needed = max(40, (altitude - destination.elevation) / 318 + 20)
        guard needed < 250 else { return }
        let candidates = ctx.airports.filter {
            $0.icao != destination.icao && $0.icao != origin.icao
                && (needed...250).contains(here.distance(to: $0.reference))
        }
        guard !candidates.isEmpty else { return }
        let new = rng.pick(candidates)
        let old = destination.icao
        destination = new
        plan?.divert(to: new, at: ctx.date)
        setRoute([new.finalFix(distance: 9), new.threshold])
        if phase == .cruise, profileAltitude(remaining: lastRemaining) < altitude { phase = .descent }
        events.append(event(.diverted, ctx, airport: new.icao, details: [
            "oldDestination": .string(old), "newDestination": .string(new.icao),
        ]))
        events.append(planEvent(.planChanged, ctx, reason: "diverted"))
    }

    /// Adds a fix ahead (destination unchanged); truth `flight.plan_changed`.
    mutating func amend(_ ctx: StepContext, events: inout [TruthEvent]) {
        guard filed, var p = plan, routeIndex < route.count - 2 else { return }
        let ahead = route[routeIndex]
        let mid = GeoPoint(lat: (position.lat + ahead.lat) / 2, lon: (position.lon + ahead.lon) / 2)
            .moved(bearing: Angle.normalize(track + 90), distance: rng.jitter(5))
        var points = Array(route[routeIndex...])
        points.insert(mid, at: 0)
        setRoute(points)
        var at = p.items.count
        while at > 1, [.airport, .star, .approach].contains(p.items[at - 1].kind) { at -= 1 }
        p.items.insert(SimFlightPlan.Item(name: NameCatalog.fixName(&rng), kind: .fix, position: mid), at: at)
        p.lastUpdate = ctx.date
        plan = p
        events.append(planEvent(.planChanged, ctx, reason: "amended"))
    }

    // MARK: - Pilot state

    /// Plans an away/background episode in cruise, ending well before the top of descent.
    mutating func scheduleCruiseEpisode(_ ctx: StepContext, remaining: Double) {
        guard wantsCruiseEpisode, episode == nil else { return }
        wantsCruiseEpisode = false
        let todDistance = (cruiseAltitude - destination.elevation) / 318
        let secondsToTOD = Int((remaining - todDistance) / max(60, cruiseSpeed) * 3600)
        guard secondsToTOD > 300 else { return }
        let length = min(rng.int(60...600), secondsToTOD - 240)
        guard length >= 60 else { return }
        let start = ctx.tick + rng.int(10...max(10, min(600, secondsToTOD - length - 180)))
        episode = (start, start + length, rng.chance(0.7) ? .awayInFlight : .inBackground)
    }

    /// Starts or ends a scheduled episode; truth `flight.pilot_state` both ways.
    mutating func updatePilotState(_ ctx: StepContext, events: inout [TruthEvent]) {
        guard let e = episode else { return }
        if frozen == nil, ctx.tick >= e.start, phase != .cruise, phase != .parked {
            episode = nil  // only in cruise or parked: a missed start cancels the episode
            return
        }
        if frozen == nil, ctx.tick >= e.start, ctx.tick < e.end {
            // Freeze what the API showed a second ago (the last report before going away).
            frozen = report(at: ctx.date.addingTimeInterval(-1))
            frozen?.pilotState = e.state
            pilotState = e.state
            events.append(stateEvent(ctx, old: .active, new: e.state))
        } else if frozen != nil, ctx.tick >= e.end {
            frozen = nil
            pilotState = .active
            episode = nil
            events.append(stateEvent(ctx, old: e.state, new: .active))
        }
    }

    /// Truth `flight.pilot_state` from `old` to `new`.
    func stateEvent(_ ctx: StepContext, old: PilotState, new: PilotState) -> TruthEvent {
        event(.pilotState, ctx, details: [
            "old": .number(Double(old.rawValue)), "new": .number(Double(new.rawValue)),
            "oldName": .string(old.name), "newName": .string(new.name),
        ])
    }

    // MARK: - Trail

    /// Records a route point every 60 s once the aircraft moves (the last 10 hours).
    mutating func recordTrail(_ tick: Int) {
        guard (tick - spawnTick) % 60 == 0, groundSpeed > 0 || !trail.isEmpty else { return }
        if trail.count >= 600 { trail.removeFirst(trail.count - 599) }
        trail.append(TrailPoint(position: position, altitude: altitude, track: track, groundSpeed: groundSpeed, tick: tick))
    }
}
