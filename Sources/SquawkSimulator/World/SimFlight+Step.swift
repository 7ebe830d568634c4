import Foundation
import SquawkCore

// MARK: - One second of a random flight

extension SimFlight {
    /// Advances the flight by one second, appending what happened to `events`.
    /// Returns `true` when the flight left the server (it must be removed).
    mutating func step(_ ctx: StepContext, events: inout [TruthEvent]) -> Bool {
        if script != nil { return scriptStep(ctx, events: &events) }
        updatePilotState(ctx, events: &events)
        reportLag = rng.chance(0.3) ? 1 : 0
        let away = frozen != nil
        let before = position, wasAirborne = phase.isAirborne
        defer {
            if wasAirborne || phase.isAirborne { flownNM += before.distance(to: position) }
            if phase.isAirborne { maxAltitude = max(maxAltitude, altitude) }
        }
        switch phase {
        case .parked:
            holdOnGround(at: origin)
            phaseTimer -= 1
            if phaseTimer <= 0, !away {
                if neverDeparts {
                    events.append(event(.flightOffline, ctx, details: ["phase": "parked"]).with(airborne: false))
                    return true
                }
                phase = .taxiOut
                outTick = ctx.tick
                taxiTarget = origin.threshold
                groundSpeed = 5
                if let delay = planFileDelay { planFileTick = ctx.tick + delay }
            }
        case .taxiOut:
            fileScheduledPlan(ctx, events: &events)
            if taxi(toward: taxiTarget) {
                phase = .takeoffRoll
                phaseTimer = rng.int(0...30)
                position = origin.threshold
                track = origin.runwayHeading
                heading = track
                groundSpeed = 0
            }
            holdOnGround(at: origin)
        case .takeoffRoll:
            if planFileTick != nil { planFileTick = ctx.tick; fileScheduledPlan(ctx, events: &events) }
            holdOnGround(at: origin)
            if phaseTimer > 0 {
                phaseTimer -= 1
                groundSpeed = 0
            } else {
                groundSpeed += rollAcceleration + rng.jitter(0.2)
                position.advance(track: track, distance: groundSpeed / 3600)
                if groundSpeed >= aircraft.rotateSpeed { liftOff(ctx, from: origin, events: &events) }
            }
        case .climb, .cruise, .descent, .approach:
            if let tick = disconnectTick, ctx.tick >= tick, !away, phase != .approach {
                events.append(event(.flightOffline, ctx, details: legTruth(ctx, ["phase": .string(phase.rawValue)]))
                    .with(airborne: true))
                return true
            }
            fly(ctx, events: &events)
        case .touchAndGo:
            holdOnGround(at: destination)
            phaseTimer -= 1
            let half = touchAndGoLength / 2
            groundSpeed += phaseTimer > half ? -1.5 : 3
            groundSpeed = max(groundSpeed, 30)
            position.advance(track: track, distance: groundSpeed / 3600)
            if phaseTimer <= 0 {
                groundSpeed = max(groundSpeed, aircraft.rotateSpeed)
                setCircuitRoute()
                liftOff(ctx, from: destination, events: &events)
            }
        case .rollout:
            holdOnGround(at: destination)
            groundSpeed -= 3.5 + rng.jitter(0.3)
            position.advance(track: track, distance: max(0, groundSpeed) / 3600)
            if groundSpeed <= 20 {
                groundSpeed = 20
                phase = .taxiIn
                taxiTarget = destination.gate(&rng)
            }
        case .taxiIn:
            if taxi(toward: taxiTarget) {
                phase = .arrived
                inTick = ctx.tick
                groundSpeed = 0
                phaseTimer = rng.int(20...300)
            }
            holdOnGround(at: destination)
        case .arrived:
            holdOnGround(at: destination)
            phaseTimer -= 1
            if phaseTimer <= 0 {
                events.append(event(.flightOffline, ctx, details: legTruth(ctx, ["phase": "arrived"])).with(airborne: false))
                return true
            }
        }
        recordTrail(ctx.tick)
        return false
    }

    /// `details` plus the truth of the flight's summary: `outAt`, `inAt` (ISO 8601, when
    /// seen), `flownNM`, `maxAltitude`, `takeoffs`, `landings`.
    func legTruth(_ ctx: StepContext, _ details: [String: JSONValue]) -> [String: JSONValue] {
        var d = details
        func iso(_ tick: Int?) -> JSONValue {
            tick.map { .string(ctx.date.addingTimeInterval(Double($0 - ctx.tick)).formatted(.iso8601)) } ?? .null
        }
        d["outAt"] = iso(outTick)
        d["inAt"] = iso(inTick)
        d["flownNM"] = .number((flownNM * 100).rounded() / 100)
        d["maxAltitude"] = .number(maxAltitude.rounded())
        d["takeoffs"] = .number(Double(takeoffs))
        d["landings"] = .number(Double(landings))
        return d
    }

    // MARK: - Ground

    /// Altitude and vertical speed of an aircraft on the ground at `airport`.
    mutating func holdOnGround(at airport: AirportGeo) {
        gearHeight = min(10, max(0, gearHeight + rng.jitter(0.15)))
        altitude = airport.elevation + gearHeight
        verticalSpeed = 0
        heading = track
    }

    /// Taxis toward `target` at 5–25 kt; returns `true` on arrival.
    mutating func taxi(toward target: GeoPoint) -> Bool {
        let d = position.distance(to: target)
        taxiSpeed = min(22, max(8, taxiSpeed + rng.jitter(0.8)))
        let desired = d < 0.05 ? 6 : taxiSpeed
        groundSpeed = min(25, max(5, groundSpeed + max(-2, min(2, desired - groundSpeed))))
        if d > 0.001 { track = position.bearing(to: target) }
        let stepNM = groundSpeed / 3600
        if stepNM >= d {
            position = target
            return true
        }
        position.advance(track: track, distance: stepNM)
        return false
    }

    /// Files the plan scheduled for the taxi, if due.
    mutating func fileScheduledPlan(_ ctx: StepContext, events: inout [TruthEvent]) {
        guard let due = planFileTick, ctx.tick >= due, var plan else { return }
        plan.lastUpdate = ctx.date
        self.plan = plan
        planFileTick = nil
        planFileDelay = nil
        filed = true
        events.append(planEvent(.planFiled, ctx, reason: "filed"))
    }

    /// Wheels off: truth `flight.takeoff` at `airport`, then climb.
    mutating func liftOff(_ ctx: StepContext, from airport: AirportGeo, events: inout [TruthEvent]) {
        phase = .climb
        climbOut = true
        verticalSpeed = 400
        takeoffs += 1
        var details: [String: JSONValue] = ["groundSpeed": .number((groundSpeed * 10).rounded() / 10)]
        if let dest = visiblePlan?.destination { details["destination"] = .string(dest) }
        events.append(event(.takeoff, ctx, airport: airport.icao, details: details))
        if willDisconnect, disconnectTick == nil {
            let expected = max(120, Int(routeLength / max(100, cruiseSpeed) * 3600 * 0.8))
            disconnectTick = ctx.tick + rng.int(60...expected)
        }
    }

    /// Total length of the steering route from the current target on, nm (rough).
    var routeLength: Double { (routeSuffix.first ?? 0) + position.distance(to: route.first ?? position) }

    // MARK: - Air

    /// One second airborne: steering, speed, vertical profile and phase changes.
    mutating func fly(_ ctx: StepContext, events: inout [TruthEvent]) {
        let away = frozen != nil
        // Lateral: climb straight out, then follow the route.
        let agl = altitude - (phase == .climb ? origin.elevation : destination.elevation)
        if climbOut {
            if agl > 1_000, position.distance(to: origin.threshold) > 2 || pattern { climbOut = false }
        }
        var remaining = lastRemaining
        if route.isEmpty { setCrossCountryRoute(fixes: []) }
        var target = route[routeIndex]
        var d = position.distance(to: target)
        var bearing = position.bearing(to: target)
        if routeIndex < route.count - 1, d < 1 || (d < 4 && abs(Angle.delta(from: track, to: bearing)) > 100) {
            routeIndex += 1
            target = route[routeIndex]
            d = position.distance(to: target)
            bearing = position.bearing(to: target)
        }
        remaining = d + routeSuffix[routeIndex]
        lastRemaining = remaining
        let onFinal = phase == .approach
        if onFinal {
            // Past the threshold: keep the runway heading.
            let past = abs(Angle.delta(from: destination.runwayHeading, to: bearing)) > 90 || d < 0.05
            track = past ? Angle.turn(track, toward: destination.runwayHeading, maxStep: 3)
                : Angle.turn(track, toward: bearing, maxStep: 3)
            if past, position.distance(to: destination.threshold) > 2, altitude - destination.elevation > 200 {
                goAround()
                return
            }
            approach(distanceToThreshold: past ? 0 : d, ctx, events: &events)
            heading = Angle.normalize(track + windCorrection * 0.5 + rng.jitter(0.3))
            if phase.isAirborne { position.advance(track: track, distance: groundSpeed / 3600) }
            return
        }
        track = Angle.turn(track, toward: climbOut ? origin.runwayHeading : bearing, maxStep: 3)
        heading = Angle.normalize(track + windCorrection * min(1, max(0, agl / 3_000)) + rng.jitter(0.3))

        switch phase {
        case .climb:
            let desired = climbRate * (altitude > 18_000 ? 0.65 : 1)
            verticalSpeed += max(-250, min(250, desired - verticalSpeed)) + rng.jitter(30)
            altitude += verticalSpeed / 60
            adjustSpeed(toward: climbSpeed())
            if altitude >= cruiseAltitude - 30 {
                altitude = cruiseAltitude
                verticalSpeed = 0
                phase = .cruise
                scheduleCruiseEpisode(ctx, remaining: remaining)
            } else if profileAltitude(remaining: remaining) < altitude + 300, altitude - origin.elevation > 800, !climbOut {
                phase = .descent
            }
        case .cruise:
            verticalSpeed = max(-300, min(300, (cruiseAltitude - altitude) * 6)) + rng.jitter(25)
            altitude += verticalSpeed / 60
            adjustSpeed(toward: cruiseSpeed)
            if !away {
                if let at = divertAtRemaining, remaining < at {
                    divertAtRemaining = nil
                    divert(ctx, events: &events)
                } else if let at = amendAtRemaining, remaining < at {
                    amendAtRemaining = nil
                    amend(ctx, events: &events)
                } else if profileAltitude(remaining: remaining) < altitude - 100 {
                    phase = .descent
                }
            }
        case .descent:
            let path = profileAltitude(remaining: remaining)
            let floor = destination.elevation + 1_500
            var vs = -groundSpeed * 5.3 + (path - altitude) * 1.5
            vs = max(-3_500, min(0, vs)) + rng.jitter(40)
            if altitude + vs / 60 < floor, routeIndex < route.count - 2 { vs = max(vs, (floor - altitude) * 60) }
            verticalSpeed = vs
            altitude += vs / 60
            let aglDest = altitude - destination.elevation
            let speed: Double = aglDest > 10_000 ? cruiseSpeed * 0.92
                : aglDest > 4_000 ? min(cruiseSpeed, 250) : min(cruiseSpeed, aircraft.approachSpeed + 45)
            adjustSpeed(toward: speed)
            if let at = divertAtRemaining, remaining < at, !away {
                divertAtRemaining = nil
                divert(ctx, events: &events)
            } else if routeIndex >= route.count - 1 || remaining < 5 {
                phase = .approach
            }
        default:
            break
        }
        position.advance(track: track, distance: groundSpeed / 3600)
    }

    /// Final approach: glide path, flare, touchdown.
    mutating func approach(distanceToThreshold d: Double, _ ctx: StepContext, events: inout [TruthEvent]) {
        let field = destination.elevation + gearHeight
        let path = destination.elevation + 50 + d * 318
        let agl = altitude - field
        if agl > 35 {
            var vs = -groundSpeed * 5.3 + (path - altitude) * 2
            vs = max(-1_800, min(0, vs)) + rng.jitter(30)
            verticalSpeed = vs
        } else {
            verticalSpeed += (touchdownRate - verticalSpeed) * 0.6
        }
        adjustSpeed(toward: aircraft.approachSpeed, rate: 1.5)
        altitude += verticalSpeed / 60
        guard altitude <= field else { return }
        // Touchdown.
        let rate = (min(-60, max(-700, verticalSpeed)) * 10).rounded() / 10
        altitude = field
        landings += 1
        let touchAndGo = touchAndGosLeft > 0
        var details: [String: JSONValue] = ["groundSpeed": .number((groundSpeed * 10).rounded() / 10)]
        if let o = visiblePlan?.origin { details["origin"] = .string(o) }
        var landing = event(.landing, ctx, airport: destination.icao, details: details)
        landing.touchdownRate = rate
        landing.touchAndGo = touchAndGo
        events.append(landing)
        verticalSpeed = 0
        track = destination.runwayHeading
        heading = track
        if touchAndGo {
            touchAndGosLeft -= 1
            phase = .touchAndGo
            touchAndGoLength = rng.int(25...45)
            phaseTimer = touchAndGoLength
        } else {
            phase = .rollout
            disconnectTick = nil
        }
    }

    /// Too high over the runway: climb back to circuit height and fly a circuit to land again.
    mutating func goAround() {
        phase = .climb
        climbOut = false
        cruiseAltitude = max(altitude, destination.elevation + 1_500)
        cruiseSpeed = min(cruiseSpeed, aircraft.approachSpeed + 40)
        setCircuitRoute()
    }

    /// Ground speed toward `target`, at most `rate` kt per second, with noise.
    mutating func adjustSpeed(toward target: Double, rate: Double = 1.5) {
        groundSpeed += max(-rate, min(rate, target - groundSpeed)) + rng.jitter(0.4)
    }

    /// Climb speed schedule: slow near the field, ~250 kt below 10,000 ft, then toward cruise.
    func climbSpeed() -> Double {
        let agl = altitude - origin.elevation
        if agl < 2_000 { return min(cruiseSpeed, aircraft.rotateSpeed + 30) }
        if altitude < 10_000 { return min(cruiseSpeed, 250 + altitude / 500) }
        let f = min(1, (altitude - 10_000) / max(1, cruiseAltitude - 10_000))
        return min(cruiseSpeed, 270 + f * (cruiseSpeed - 270))
    }
}

// MARK: - TruthEvent helpers

extension TruthEvent {
    /// The event with `airborne` set.
    func with(airborne: Bool) -> TruthEvent {
        var e = self
        e.airborne = airborne
        return e
    }
}
