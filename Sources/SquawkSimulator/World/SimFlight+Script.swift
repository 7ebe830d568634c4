import Foundation
import SquawkCore

// MARK: - ScriptPlan

/// The timetable of a scripted flight, resolved from a ``Scenario/Flight`` (times in ticks).
/// Its motion is a closed-form function of time, so the scripted instants are exact:
///
/// | interval | motion |
/// |---|---|
/// | spawn … taxi start | parked at a gate |
/// | taxi start … roll start | taxi to the threshold at ≤ 20 kt |
/// | roll start … takeoff | 35 s roll (shorter if the script leaves less) |
/// | takeoff … land | great circle; speed ramps from rotate to cruise to approach speed; altitude = min(climb line, cruise level, descent line with flare) |
/// | land … | rollout at −4 kt/s to 15 kt, taxi to a gate, parked until despawn |
struct ScriptPlan: Sendable {
    var spawnTick: Int
    var taxiStartTick: Int
    var rollStartTick: Int
    var takeoffTick: Int?
    var landTick: Int?
    var despawnTick: Int
    var disconnectTick: Int?
    var planFileTick: Int?
    var divertTick: Int?
    var finalDestination: AirportGeo?
    var episodes: [Scenario.PilotStateEpisode]
    var gate: GeoPoint
    var arrivalGate: GeoPoint
    /// Lift-off and touchdown points, and the great circle between them.
    var liftoffPoint = GeoPoint(lat: 0, lon: 0)
    var touchdownPoint = GeoPoint(lat: 0, lon: 0)
    var bearing = 0.0
    var distance = 0.0
    /// Speed profile: ramp-up and ramp-down durations and the cruise speed that makes the
    /// distance come out exactly.
    var rampUp = 0.0
    var rampDown = 0.0
    var cruise = 0.0
    var cruiseAltitude = 0.0
    var rollDistance = 0.0
}

extension SimFlight {
    // MARK: - Scripted kinematics

    /// Distance flown `tau` seconds after lift-off, nm.
    func scriptDistance(_ s: ScriptPlan, _ tau: Double) -> Double {
        let v0 = aircraft.rotateSpeed, v1 = aircraft.approachSpeed, vc = s.cruise
        let total = Double((s.landTick ?? 0) - (s.takeoffTick ?? 0))
        let t = max(0, min(total, tau))
        var knotSeconds = 0.0
        let a = min(t, s.rampUp)
        knotSeconds += v0 * a + (vc - v0) * a * a / (2 * max(1, s.rampUp))
        let c = max(0, min(t, total - s.rampDown) - s.rampUp)
        knotSeconds += vc * c
        let down = max(0, t - (total - s.rampDown))
        knotSeconds += vc * down + (v1 - vc) * down * down / (2 * max(1, s.rampDown))
        return knotSeconds / 3600
    }

    /// Altitude `tau` seconds after lift-off (true, MSL).
    func scriptAltitude(_ s: ScriptPlan, _ tau: Double) -> Double {
        let total = Double((s.landTick ?? 0) - (s.takeoffTick ?? 0))
        let climb = origin.elevation + gearHeight + climbRate * tau / 60
        let r = max(0, total - tau)
        // Remaining-time descent line: flare over the last 10 s, 750 ft/min for 5 min, then 2,000.
        let b = -touchdownRate / 60
        let a = (750.0 / 60 - b) / 20
        let flare = r < 10 ? a * r * r + b * r : 100 * a + 10 * b
        let slow = min(max(0, r - 10), 300) * 750 / 60
        let fast = max(0, r - 310) * 2_000 / 60
        let descent = destination.elevation + gearHeight + flare + slow + fast
        return min(climb, s.cruiseAltitude, descent)
    }

    /// One second of a scripted flight; returns `true` when it leaves.
    mutating func scriptStep(_ ctx: StepContext, events: inout [TruthEvent]) -> Bool {
        guard var s = script else { return false }
        let t = ctx.tick
        reportLag = 0
        // Scheduled happenings at their exact ticks.
        if let due = s.planFileTick, t >= due, plan != nil, !filed {
            filed = true
            plan?.lastUpdate = ctx.date
            events.append(planEvent(.planFiled, ctx, reason: "filed"))
        }
        if let due = s.divertTick, t >= due, let final = s.finalDestination {
            s.divertTick = nil
            let old = plan?.destination ?? destination.icao
            plan?.divert(to: final, at: ctx.date)
            events.append(event(.diverted, ctx, airport: final.icao, details: [
                "oldDestination": .string(old), "newDestination": .string(final.icao),
            ]))
            events.append(planEvent(.planChanged, ctx, reason: "diverted"))
        }
        for e in s.episodes {
            guard let state = PilotState(rawValue: e.state) else { continue }
            if t == e.from {
                frozen = report(at: ctx.date.addingTimeInterval(-1))
                pilotState = state
                events.append(stateEvent(ctx, old: .active, new: state))
            } else if t == e.to {
                frozen = nil
                pilotState = .active
                events.append(stateEvent(ctx, old: state, new: .active))
            }
        }
        script = s
        // Motion.
        let previousAltitude = altitude
        if let takeoff = s.takeoffTick, let land = s.landTick, t >= takeoff, t < land {
            if t == takeoff {
                takeoffs += 1
                var details: [String: JSONValue] = ["groundSpeed": .number(aircraft.rotateSpeed)]
                if let dest = visiblePlan?.destination { details["destination"] = .string(dest) }
                events.append(event(.takeoff, ctx, airport: origin.icao, details: details))
                phase = .climb
            }
            let tau = Double(t - takeoff)
            let dist = scriptDistance(s, tau)
            let next = s.liftoffPoint.moved(bearing: s.bearing, distance: scriptDistance(s, tau + 1))
            position = s.liftoffPoint.moved(bearing: s.bearing, distance: dist)
            if position.distance(to: next) > 0.0001 { track = position.bearing(to: next) }
            heading = Angle.normalize(track + windCorrection * 0.5)
            groundSpeed = (scriptDistance(s, tau + 1) - dist) * 3600
            altitude = scriptAltitude(s, tau)
            verticalSpeed = (scriptAltitude(s, tau + 1) - scriptAltitude(s, max(0, tau - 1))) * (tau > 0 ? 30 : 60)
            if altitude >= s.cruiseAltitude - 1 { phase = .cruise } else if altitude < previousAltitude { phase = .descent }
        } else if let land = s.landTick, t >= land, s.takeoffTick != nil {
            if t == land {
                landings += 1
                var landing = event(.landing, ctx, airport: destination.icao,
                                    details: ["groundSpeed": .number(aircraft.approachSpeed)])
                landing.touchdownRate = touchdownRate
                landing.touchAndGo = false
                events.append(landing)
                position = s.touchdownPoint
                groundSpeed = aircraft.approachSpeed
                track = destination.runwayHeading
                phase = .rollout
            }
            switch phase {
            case .rollout:
                groundSpeed = max(15, groundSpeed - 4)
                position.advance(track: track, distance: groundSpeed / 3600)
                if groundSpeed <= 15 { phase = .taxiIn; taxiTarget = s.arrivalGate }
            case .taxiIn:
                taxiSpeed = 12
                if taxi(toward: taxiTarget) { phase = .arrived; groundSpeed = 0 }
            default:
                groundSpeed = 0
            }
            holdOnGround(at: destination)
        } else if let takeoff = s.takeoffTick, t >= s.rollStartTick, t < takeoff {
            phase = .takeoffRoll
            let elapsed = Double(t - s.rollStartTick)
            let length = Double(takeoff - s.rollStartTick)
            groundSpeed = aircraft.rotateSpeed * elapsed / max(1, length)
            let along = s.rollDistance * (elapsed * elapsed) / max(1, length * length)
            position = origin.threshold.moved(bearing: origin.runwayHeading, distance: along)
            track = origin.runwayHeading
            holdOnGround(at: origin)
        } else if s.takeoffTick != nil, t >= s.taxiStartTick, t < s.rollStartTick {
            phase = .taxiOut
            let length = Double(s.rollStartTick - s.taxiStartTick)
            let f = Double(t - s.taxiStartTick) / max(1, length)
            let total = s.gate.distance(to: origin.threshold)
            let bearing = s.gate.bearing(to: origin.threshold)
            position = s.gate.moved(bearing: bearing, distance: total * f)
            track = bearing
            groundSpeed = min(25, max(5, total / max(1, length) * 3600))
            holdOnGround(at: origin)
        } else {
            phase = .parked
            groundSpeed = 0
            holdOnGround(at: origin)
        }
        if let tick = s.disconnectTick, t >= tick {
            events.append(event(.flightOffline, ctx, details: ["phase": .string(phase.rawValue)])
                .with(airborne: phase.isAirborne))
            return true
        }
        if t >= s.despawnTick {
            events.append(event(.flightOffline, ctx, details: ["phase": .string(phase.rawValue)])
                .with(airborne: phase.isAirborne))
            return true
        }
        recordTrail(t)
        return false
    }
}
