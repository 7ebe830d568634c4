import Foundation

/// Flight events. Every one carries the subject fields `flightId`, `userId`, `username`,
/// `callsign`, `virtualOrganization` and `server`, and in `data` the plan's `origin` and
/// `destination` and the `aircraftId` and `liveryId` (null when unknown; the poller adds
/// `aircraftName` and `liveryName` when it knows them); `airport` is the ICAO named in the table.
///
/// | type | when | `airport` | `data` keys |
/// | --- | --- | --- | --- |
/// | `flight.online` | a flight appears (not on the seeding snapshot) | the airport it is at, if on the ground | `airborne`, `phase`, `airportName`, `latitude`, `longitude`, `altitude` (ft MSL), `groundSpeed` (kt), `heading`, `verticalSpeed` (ft/min), `pilotState` |
/// | `flight.offline` | absent from more than ``DiffConfiguration/offlineGraceSamples`` snapshots; `at` is the first snapshot without it | the airport it was at, if on the ground | `airborne`, `phase`, `airportName`, `latitude`, `longitude`, `altitude`, `groundSpeed`, `heading`, `lastSeenAt` (ISO 8601) |
/// | `flight.takeoff` | ground → airborne | departure airport | `airportName`, `groundSpeed`, `heading`, `verticalSpeed`, `altitude`, `latitude`, `longitude`, `touchAndGo`, `destination` |
/// | `flight.landing` | airborne → on the ground; `at` is the touchdown sample | landing airport | `airportName`, `touchdownRate` (ft/min, negative, or null when no sample supports one: see ``TouchdownEstimate``; never a ground sample's reading), `touchdownRateSource` (`flare`, `estimated`, or null), `groundSpeed` (kt at touchdown), `touchAndGo`, `latitude`, `longitude`, `heading`, `flightTime` (s since the takeoff, if seen), `origin` |
/// | `flight.plan_filed` | first plan seen for the flight | destination | `flightPlanId`, `origin`, `destination`, `waypointCount` |
/// | `flight.plan_changed` | route or endpoints differ from the last plan seen | destination | `flightPlanId`, `origin`, `destination`, `waypointCount`, `previousOrigin`, `previousDestination`, `previousWaypointCount` |
/// | `flight.diverted` | destination changes while airborne (after `plan_changed`) | new destination | `previousDestination`, `destination`, `previousDestinationName`, `destinationName` |
/// | `flight.approaching` | airborne within ``DiffConfiguration/approachingDistanceNM`` of the plan's destination, once per destination | destination | `airportName`, `distanceNM`, `groundSpeed`, `etaMinutes` (distance ÷ ground speed), `altitude` |
/// | `flight.completed` | after `flight.offline`, for a flight that flew: `outcome` `completed` when it had landed full stop (`at` = `inAt`), `disconnected` when it vanished in the air (`at` = the first snapshot without it; no landing keys) | arrival airport (completed) | `outcome`, `origin`/`destination` (planned: the plan at takeoff, before diversions), `departureAirport` and `arrivalAirport` (actual) with `…Name`, `outAt` (first movement after being seen parked), `offAt` (wheels off, estimated back along the climb), `onAt` (wheels on, timed back from the rollout: ``TouchdownEstimate``), `inAt` (first parked sample after the landing, else going offline), `blockTime` and `airTime` (s), `greatCircleNM` (departure → arrival, or → last position), `flownDistanceNM` (sum over airborne samples), `maxAltitude` (ft), `touchdownRate`, `touchdownRateSource`, `groundSpeed` (of the full-stop landing), `touchAndGos`, `diversions`, `lastSeenAt`; unknown times are null |
/// | `flight.pilot_state` | `pilotState` changes; or a flight comes online already away (every pilot joins active) | — | `previous`, `current` (`active`, `away_in_flight`, `away_parked`, `background`), `previousCode`, `currentCode`, `airborne` |
///
/// Traps handled here: a first sighting in the air is `flight.online` with `airborne: true`,
/// never a takeoff; a flight vanishing in the air is `flight.offline` with `airborne: true`,
/// never a landing (a touchdown already seen on the runway is still announced before it);
/// samples in pilot states 1–3 (values frozen) or whose report did not advance change no phase;
/// a touch-and-go gives `flight.landing` with `touchAndGo: true` and then `flight.takeoff` with
/// `touchAndGo: true` (even when no sample caught the wheels on the runway, from the
/// extrapolated descent and climb).
extension SnapshotDiffer {
    // MARK: - Pass

    static func applyFlights(_ snapshot: Snapshot, to state: inout DiffState, config: DiffConfiguration,
                             sink: inout EventSink) {
        let now = snapshot.takenAt
        let plans = snapshot.flightPlans
        // Just after seeding, a new flight may only have been hidden by a list gap: no news.
        let quietArrivals = Int(state.sinceSeed) <= config.offlineGraceSamples
        var quiet = EventSink(server: snapshot.server, now: now, muted: true)
        // Through the buffer: `Array`'s subscript getter copies (retains) the whole sample.
        snapshot.flights.withUnsafeBufferPointer { samples in
            for k in samples.indices {
                let key = FlightKey(samples[k].flightId)
                if let slot = state.flights.slot(of: key) {
                    state.flights.tracks[slot].refreshSubject(
                        username: samples[k].username, callsign: samples[k].callsign,
                        virtualOrganization: samples[k].virtualOrganization)
                    update(&state.flights.tracks[slot], flightId: samples[k].flightId, sample: SampleMotion(samples[k]),
                           now: now, config: config, sink: &sink)
                } else {
                    let flightId = samples[k].flightId
                    let plan = plans.isEmpty ? nil : plans[flightId]
                    let sequence = state.retired.removeValue(forKey: flightId)?.sequence ?? 0
                    let track = quietArrivals
                        ? appear(samples[k], plan: plan, now: now, sequence: sequence, config: config, sink: &quiet)
                        : appear(samples[k], plan: plan, now: now, sequence: sequence, config: config, sink: &sink)
                    state.flights.insert(track, id: flightId)
                }
            }
        }

        // Plans of tracked flights: walked once (no string hashing per flight); the changed
        // ones are announced in flight-id order.
        if !plans.isEmpty {
            var changed: [(id: String, plan: FlightPlanSummary)] = []
            for (id, plan) in plans {
                guard let slot = state.flights.slot(of: FlightKey(id)),
                      state.flights.tracks[slot].planFingerprint != fingerprint(plan) else { continue }
                changed.append((id, plan))
            }
            changed.sort { $0.id < $1.id }
            for (id, plan) in changed {
                guard let slot = state.flights.slot(of: FlightKey(id)) else { continue }
                changePlan(&state.flights.tracks[slot], to: plan, flightId: id, config: config, sink: &sink)
            }
        }

        // Flights not in this snapshot: one pass over the tracks, in place.
        var gone: [String] = []
        let grace = config.offlineGraceSamples, muted = sink.muted
        let ids = state.flights.ids
        state.flights.tracks.withUnsafeMutableBufferPointer { tracks in
            for i in tracks.indices where tracks[i].seenAt != now {
                if muted {
                    gone.append(ids[i])
                    continue
                }
                tracks[i].missed &+= 1
                if tracks[i].missed == 1 { tracks[i].missedSince = now }
                if Int(tracks[i].missed) > grace { gone.append(ids[i]) }
            }
        }
        gone.sort()
        for flightId in gone {
            guard var t = state.flights.remove(id: flightId) else { continue }
            vanish(&t, flightId: flightId, now: now, config: config, sink: &sink)
            retire(flightId, sequence: t.sequence, in: &state, now: now)
        }
    }

    // MARK: - Appearing, updating, vanishing

    /// A flight not tracked before: its track, and `flight.online` (+ `plan_filed`).
    static func appear(_ s: borrowing FlightSample, plan: FlightPlanSummary?, now: Date, sequence: UInt32,
                       config: DiffConfiguration, sink: inout EventSink) -> FlightTrack {
        var t = FlightTrack(sample: s, at: now, phase: .taxiing, sequence: sequence)
        let motion = SampleMotion(s)
        if let plan { adopt(plan, into: &t, config: config) }
        t.start(with: motion, config: config)
        var leg = FlightLeg()
        leg.seenParked = t.phase == .parked
        leg.plannedOrigin = t.origin
        leg.plannedDestination = t.destination
        if t.phase.isAirborne { leg.maxAltitude = Float(s.altitude) }
        t.leg = leg
        var data: [String: JSONValue] = [
            "airborne": .bool(t.phase.isAirborne),
            "phase": .string(t.phase.rawValue),
            "latitude": number(s.latitude, 5), "longitude": number(s.longitude, 5),
            "altitude": number(s.altitude, 0), "groundSpeed": number(s.speed),
            "heading": number(s.heading), "verticalSpeed": number(s.verticalSpeed, 0),
            "pilotState": s.pilotState.map { .string($0.name) } ?? .null,
        ]
        let airport = t.phase.isAirborne ? nil : t.airport
        data["airportName"] = airportName(airport, config)
        sink.emit(.flightOnline, flightId: s.flightId, track: &t, airport: airport, data: data)
        // Every pilot joins active: one who is already away when first seen went away since.
        if let state = s.pilotState, state != .active {
            emitPilotState(from: .active, to: state, flightId: s.flightId, track: &t, sink: &sink)
        }
        if let plan { planFiled(plan, flightId: s.flightId, track: &t, sink: &sink) }
        checkApproaching(&t, flightId: s.flightId, sample: motion, config: config, sink: &sink)
        return t
    }

    /// A tracked flight seen again.
    static func update(_ t: inout FlightTrack, flightId: String, sample s: SampleMotion,
                       now: Date, config: DiffConfiguration, sink: inout EventSink) {
        t.seenAt = now
        t.missed = 0
        t.missedSince = nil
        if let new = s.pilotState {
            if let old = t.pilotState, old != new {
                emitPilotState(from: old, to: new, flightId: flightId, track: &t, sink: &sink)
            }
            t.pilotState = new
        }

        // Frozen values (away / background) or a report that did not advance: no phase change.
        let frozen = (s.pilotState ?? .active) != .active
            || (s.lastReport <= t.lastReport && Float(s.latitude) == t.latitude
                && Float(s.longitude) == t.longitude && Float(s.altitude) == t.altitude)
        guard !frozen else { return }
        let wasAirborne = t.phase.isAirborne
        for action in t.advance(with: s, at: now, config: config) {
            announce(action, flightId: flightId, track: &t, sample: s, config: config, sink: &sink)
        }
        follow(&t, sample: s, wasAirborne: wasAirborne, now: now)
        t.record(s, at: now)
        checkApproaching(&t, flightId: flightId, sample: s, config: config, sink: &sink)
    }

    static func emitPilotState(from old: PilotState, to new: PilotState, flightId: String, track t: inout FlightTrack,
                               sink: inout EventSink) {
        sink.emit(.pilotState, flightId: flightId, track: &t, airport: nil, data: [
            "previous": .string(old.name), "current": .string(new.name),
            "previousCode": .number(Double(old.rawValue)), "currentCode": .number(Double(new.rawValue)),
            "airborne": .bool(t.phase.isAirborne),
        ])
    }

    /// Adds an active sample to the leg summary: distance flown and top altitude in the air,
    /// the first movement (`out`) and the first parked sample after the landing (`in`).
    static func follow(_ t: inout FlightTrack, sample s: SampleMotion, wasAirborne: Bool, now: Date) {
        if t.leg == nil { t.leg = FlightLeg() }
        // In place through the optional: no copy of the leg (and its strings) per sample.
        if wasAirborne || t.phase.isAirborne {
            // Samples are at most a few nm apart: the flat-earth distance is within 0.1 % of the
            // great circle, at a fraction of its cost.
            let dLat = s.latitude - Double(t.latitude)
            let dLon = (s.longitude - Double(t.longitude)) * cos(s.latitude * .pi / 180)
            let dLonWrapped = abs(dLon) > 180 ? 0 : dLon
            t.leg?.flownNM += Float(60 * (dLat * dLat + dLonWrapped * dLonWrapped).squareRoot())
        }
        switch t.phase {
        case .airborne:
            if Float(s.altitude) > t.leg?.maxAltitude ?? -.infinity { t.leg?.maxAltitude = Float(s.altitude) }
        case .parked:
            if t.leg?.seenParked == false { t.leg?.seenParked = true }
            if t.leg?.onAt != nil, t.leg?.inAt == nil { t.leg?.inAt = now }
        case .taxiing:
            if t.leg?.seenParked == true, t.leg?.outAt == nil, t.leg?.offAt == nil, t.leg?.onAt == nil { t.leg?.outAt = now }
        case .landed:
            break
        }
    }

    /// A flight absent past its grace: a pending touchdown is still a landing, then offline,
    /// then the summary of a flight that flew (`flight.completed`).
    static func vanish(_ t: inout FlightTrack, flightId: String, now: Date, config: DiffConfiguration,
                       sink: inout EventSink) {
        if t.phase == .landed {
            let action = t.pendingLanding(groundSpeed: Double(t.speed), touchAndGo: false, config: config)
            announce(action, flightId: flightId, track: &t, sample: nil, config: config, sink: &sink)
            t.phase = .taxiing
        }
        let airport = t.phase.isAirborne ? nil : t.airport
        sink.emit(.flightOffline, flightId: flightId, track: &t, at: t.missedSince ?? now, airport: airport, data: [
            "airborne": .bool(t.phase.isAirborne),
            "phase": .string(t.phase.rawValue),
            "airportName": airportName(airport, config),
            "latitude": number(t.latitude, 5), "longitude": number(t.longitude, 5),
            "altitude": number(t.altitude, 0), "groundSpeed": number(t.speed),
            "heading": number(t.heading), "lastSeenAt": iso(t.seenAt),
        ])
        guard let leg = t.leg, leg.flew else { return }
        let disconnected = t.phase.isAirborne
        guard disconnected || leg.onAt != nil else { return }
        let ended = t.missedSince ?? now
        var data = leg.summary(disconnected: disconnected, endedAt: disconnected ? t.seenAt : ended,
                               lastLatitude: Double(t.latitude), lastLongitude: Double(t.longitude), config: config)
        if leg.plannedOrigin == nil { data["origin"] = t.origin.map(JSONValue.string) ?? .null }
        if leg.plannedDestination == nil { data["destination"] = t.destination.map(JSONValue.string) ?? .null }
        sink.emit(.flightCompleted, flightId: flightId, track: &t, at: disconnected ? ended : (leg.inAt ?? ended),
                  airport: disconnected ? nil : leg.arrival, data: data)
    }

    // MARK: - Takeoff and landing

    /// Turns a phase action into its event. `sample` is the current sample (nil when the flight
    /// has vanished: the last recorded values stand in).
    static func announce(_ action: PhaseAction, flightId: String, track t: inout FlightTrack, sample s: SampleMotion?,
                         config: DiffConfiguration, sink: inout EventSink) {
        let latitude = s?.latitude ?? Double(t.latitude), longitude = s?.longitude ?? Double(t.longitude)
        let heading = s?.heading ?? Double(t.heading)
        record(action, in: &t, now: sink.now)
        switch action {
        case let .takeoff(airport, touchAndGo):
            sink.emit(.takeoff, flightId: flightId, track: &t, airport: airport, data: [
                "airportName": airportName(airport, config),
                "groundSpeed": number(s?.speed ?? Double(t.speed)), "heading": number(heading),
                "verticalSpeed": number(s?.verticalSpeed ?? Double(t.verticalSpeed), 0),
                "altitude": number(s?.altitude ?? Double(t.altitude), 0),
                "latitude": number(latitude, 5), "longitude": number(longitude, 5),
                "touchAndGo": .bool(touchAndGo),
                "destination": t.destination.map(JSONValue.string) ?? .null,
            ])
        case let .landing(airport, at, touchdown, groundSpeed, touchAndGo, flightTime):
            var data: [String: JSONValue] = [
                "airportName": airportName(airport, config),
                "touchdownRate": touchdown.map { number($0.rate, 0) } ?? .null,
                "touchdownRateSource": touchdown.map { .string($0.source.rawValue) } ?? .null,
                "groundSpeed": number(groundSpeed), "touchAndGo": .bool(touchAndGo),
                "latitude": number(latitude, 5), "longitude": number(longitude, 5), "heading": number(heading),
                "origin": t.origin.map(JSONValue.string) ?? .null,
            ]
            if let flightTime { data["flightTime"] = number(flightTime, 0) }
            sink.emit(.landing, flightId: flightId, track: &t, at: at, airport: airport, data: data)
        }
    }

    /// Keeps the leg summary in step with a takeoff or landing: `off` and the actual origin at
    /// the first takeoff (a takeoff after a full-stop landing starts a new leg), touch-and-goes,
    /// and the full-stop landing's time, airport and touchdown.
    static func record(_ action: PhaseAction, in t: inout FlightTrack, now: Date) {
        var leg = t.leg ?? FlightLeg()
        switch action {
        case let .takeoff(airport, touchAndGo):
            if leg.onAt != nil, !touchAndGo {
                leg = FlightLeg()
            }
            if leg.offAt == nil, !touchAndGo {
                leg.offAt = t.wheelsAt ?? now
                leg.departure = airport
                leg.plannedOrigin = t.origin
                leg.plannedDestination = t.destination
            }
        case let .landing(airport, at, touchdown, groundSpeed, touchAndGo, _):
            if touchAndGo {
                leg.touchAndGos &+= 1
            } else {
                leg.onAt = t.wheelsAt ?? at
                leg.arrival = airport
                leg.touchdownRate = touchdown.map { Float($0.rate) }
                leg.touchdownRateSource = touchdown?.source
                leg.landingSpeed = Float(groundSpeed)
            }
        }
        t.leg = leg
        t.wheelsAt = nil
    }

    // MARK: - Plans

    /// Records a plan's endpoints and fingerprint in a track (no event).
    static func adopt(_ plan: FlightPlanSummary, into t: inout FlightTrack, config: DiffConfiguration) {
        t.origin = plan.origin
        if t.destination != plan.destination {
            t.destination = plan.destination
            let a = plan.destination.flatMap { config.locator.airport($0) }
            t.destinationLatitude = a.map { Float($0.latitude) }
            t.destinationLongitude = a.map { Float($0.longitude) }
            t.approachingFired = false
        }
        t.planFingerprint = fingerprint(plan)
        t.planWaypointCount = UInt16(clamping: plan.waypoints.count)
        t.resolvedLatitude = nil // the preferred airports may have changed
        t.resolvedLongitude = nil
    }

    static func planFiled(_ plan: FlightPlanSummary, flightId: String, track t: inout FlightTrack,
                          sink: inout EventSink) {
        sink.emit(.planFiled, flightId: flightId, track: &t, airport: plan.destination, data: [
            "flightPlanId": plan.flightPlanId.map(JSONValue.string) ?? .null,
            "origin": plan.origin.map(JSONValue.string) ?? .null,
            "destination": plan.destination.map(JSONValue.string) ?? .null,
            "waypointCount": .number(Double(plan.waypoints.count)),
        ])
    }

    /// `plan_filed`, `plan_changed` and `diverted` for a plan fetched this round.
    static func changePlan(_ t: inout FlightTrack, to plan: FlightPlanSummary, flightId: String,
                           config: DiffConfiguration, sink: inout EventSink) {
        let fp = fingerprint(plan)
        guard fp != t.planFingerprint else { return }
        let first = t.planFingerprint == 0
        let previousOrigin = t.origin, previousDestination = t.destination
        let previousCount = t.planWaypointCount
        adopt(plan, into: &t, config: config)
        if let leg = t.leg, leg.onAt == nil, leg.plannedDestination == nil || t.phase.isOnGround {
            t.leg?.plannedOrigin = plan.origin
            t.leg?.plannedDestination = plan.destination
        }
        if first {
            planFiled(plan, flightId: flightId, track: &t, sink: &sink)
            return
        }
        sink.emit(.planChanged, flightId: flightId, track: &t, airport: plan.destination, data: [
            "flightPlanId": plan.flightPlanId.map(JSONValue.string) ?? .null,
            "origin": plan.origin.map(JSONValue.string) ?? .null,
            "destination": plan.destination.map(JSONValue.string) ?? .null,
            "waypointCount": .number(Double(plan.waypoints.count)),
            "previousOrigin": previousOrigin.map(JSONValue.string) ?? .null,
            "previousDestination": previousDestination.map(JSONValue.string) ?? .null,
            "previousWaypointCount": .number(Double(previousCount)),
        ])
        if t.phase == .airborne, let old = previousDestination, let new = plan.destination, old != new {
            t.leg?.diversions &+= 1
            sink.emit(.diverted, flightId: flightId, track: &t, airport: new, data: [
                "previousDestination": .string(old), "destination": .string(new),
                "previousDestinationName": airportName(old, config), "destinationName": airportName(new, config),
            ])
        }
    }

    /// A 64-bit fingerprint of a plan's origin, destination and waypoints (never 0). Stable
    /// across processes, unlike `Hasher`, because it is persisted (see ``StableHasher``).
    static func fingerprint(_ plan: FlightPlanSummary) -> UInt64 {
        var h = StableHasher()
        h.mix(plan.origin)
        h.mix(plan.destination)
        h.mix(all: plan.waypoints)
        return h.finish()
    }

    // MARK: - Approaching

    /// `flight.approaching` once per destination, when airborne within the configured distance.
    static func checkApproaching(_ t: inout FlightTrack, flightId: String, sample s: SampleMotion,
                                 config: DiffConfiguration, sink: inout EventSink) {
        guard t.phase == .airborne, !t.approachingFired, let destination = t.destination,
              let lat = t.destinationLatitude, let lon = t.destinationLongitude,
              abs(s.latitude - Double(lat)) * 60 <= config.approachingDistanceNM else { return }
        let distance = Geo.distanceNM(s.latitude, s.longitude, Double(lat), Double(lon))
        guard distance <= config.approachingDistanceNM else { return }
        t.approachingFired = true
        sink.emit(.approaching, flightId: flightId, track: &t, airport: destination, data: [
            "airportName": airportName(destination, config),
            "distanceNM": number(distance),
            "groundSpeed": number(s.speed),
            "etaMinutes": s.speed > 1 ? number(distance / s.speed * 60) : .null,
            "altitude": number(s.altitude, 0),
        ])
    }
}
