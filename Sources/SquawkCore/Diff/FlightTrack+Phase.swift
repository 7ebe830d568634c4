import Foundation

// MARK: - Sample classes and phase actions

/// What one sample says about where an aircraft is (see the table on ``DiffConfiguration``).
enum SampleClass: Sendable, Hashable {
    case ground, air
    /// In the hysteresis band, or no way to tell: the phase holds.
    case unknown
}

/// A phase transition to announce: what ``FlightTrack/advance(with:at:config:)`` returns and
/// ``SnapshotDiffer`` turns into `flight.takeoff` / `flight.landing` events.
enum PhaseAction: Sendable, Hashable {
    case takeoff(airport: String?, touchAndGo: Bool)
    /// `flightTime`: seconds from the takeoff this engine saw to the touchdown, if it saw one.
    case landing(airport: String?, at: Date, touchdown: TouchdownEstimate?, groundSpeed: Double, touchAndGo: Bool,
                 flightTime: TimeInterval?)
}

/// The numbers of a sample the phase machine reads: a trivial value, so handing it around
/// costs no reference counting (a ``FlightSample`` carries seven strings).
struct SampleMotion: Sendable, Hashable {
    var latitude: Double
    var longitude: Double
    var altitude: Double
    var speed: Double
    var verticalSpeed: Double
    var heading: Double
    var lastReport: Date
    var pilotState: PilotState?

    init(_ s: borrowing FlightSample) {
        latitude = s.latitude
        longitude = s.longitude
        altitude = s.altitude
        speed = s.speed
        verticalSpeed = s.verticalSpeed
        heading = s.heading
        lastReport = s.lastReport
        pilotState = s.pilotState
    }
}

/// Where a sample is: the airport near it (if any) and its height above the field reference.
struct SamplePlace: Sendable, Hashable {
    var airport: String?
    var elevation: Double?
    var height: Double?
    /// Well above every field within ~60 nm (no lookup was needed: airborne).
    var aboveAllFields = false
}

// MARK: - Phase machine

extension FlightTrack {
    /// Resolves the airport near a position, reusing the last answer while the flight has moved
    /// less than ~0.3 nm (0.005°); a flight more than ``DiffConfiguration/highAboveFieldHeight``
    /// above every field within ~60 nm skips the lookup (most airborne flights).
    mutating func place(latitude: Double, longitude: Double, altitude: Double, config: DiffConfiguration) -> SamplePlace {
        if altitude > config.locator.highestField(latitude: latitude, longitude: longitude) + config.highAboveFieldHeight {
            resolvedLatitude = nil
            resolvedLongitude = nil
            nearAirport = nil
            nearElevation = nil
            return SamplePlace(aboveAllFields: true)
        }
        if let rlat = resolvedLatitude, let rlon = resolvedLongitude,
           abs(Float(latitude) - rlat) < 0.005, abs(Float(longitude) - rlon) < 0.005 {
            // Cached answer.
        } else {
            let match = config.locator.resolve(latitude: latitude, longitude: longitude,
                                               radiusNM: config.airportRadiusNM, preferring: origin, destination)
            resolvedLatitude = Float(latitude)
            resolvedLongitude = Float(longitude)
            nearAirport = match?.icao
            nearElevation = match.map { Float($0.elevation) }
        }
        guard let icao = nearAirport, let elevation = nearElevation.map(Double.init) else { return SamplePlace() }
        var reference = elevation
        // On the ground at the same airport: the altitude seen there is the better reference.
        if phase.isOnGround, icao == airport, let g = groundAltitude { reference = Double(g) }
        return SamplePlace(airport: icao, elevation: elevation, height: altitude - reference)
    }

    /// Classifies one sample (see the table on ``DiffConfiguration``).
    static func classify(_ p: SamplePlace, speed: Double, verticalSpeed vs: Double,
                         config c: DiffConfiguration) -> SampleClass {
        if p.aboveAllFields { return .air }
        guard let h = p.height else {
            // No airport within the radius: a fast aircraft cannot be rolling on a runway.
            return speed >= c.airborneSpeed ? .air : .unknown
        }
        if h > c.highAboveFieldHeight { return .air }
        if speed >= c.airborneSpeed {
            if h >= c.airborneHeight { return .air }
            if h >= c.liftoffHeight, vs >= c.climbRate { return .air }
            if h <= c.groundHeight, abs(vs) < c.levelRate { return .ground }
            return .unknown
        }
        return h <= c.slowGroundHeight ? .ground : .unknown
    }

    /// The phase of a flight seen for the first time (no transition, so no action).
    mutating func start(with s: SampleMotion, config c: DiffConfiguration) {
        let p = place(latitude: s.latitude, longitude: s.longitude, altitude: s.altitude, config: c)
        let cls = Self.classify(p, speed: s.speed, verticalSpeed: s.verticalSpeed, config: c)
        switch cls {
        case .air: phase = .airborne
        case .ground: settleOnGround(s, place: p, config: c)
        case .unknown:
            if s.speed >= c.airborneSpeed || (p.height ?? 0) > c.slowGroundHeight {
                phase = .airborne
            } else {
                settleOnGround(s, place: p, config: c)
            }
        }
        height = p.height.map(Float.init)
    }

    /// Advances the phase machine with an active sample taken at `now` and returns what to
    /// announce. Does not record the sample (the caller does, after using the old values).
    mutating func advance(with s: SampleMotion, at now: Date, config c: DiffConfiguration) -> [PhaseAction] {
        let previousHeight = height, previousVS = Double(verticalSpeed), previousNear = nearAirport
        let previousSpeed = Double(speed), previousAltitude = Double(altitude), dt = now.timeIntervalSince(sampledAt)
        let p = place(latitude: s.latitude, longitude: s.longitude, altitude: s.altitude, config: c)
        let cls = Self.classify(p, speed: s.speed, verticalSpeed: s.verticalSpeed, config: c)
        defer { height = p.height.map(Float.init) }
        var actions: [PhaseAction] = []

        switch (phase, cls) {
        case (.parked, .air), (.taxiing, .air):
            actions.append(.takeoff(airport: airport ?? p.airport, touchAndGo: false))
            liftOff(at: now)
            // Wheels off: back along the climb from this sample's height, not before the last one.
            let climb = max(s.verticalSpeed, c.climbRate)
            wheelsAt = max(sampledAt, now.addingTimeInterval(-max(0, p.height ?? 0) / climb * 60))

        case (.parked, .ground), (.taxiing, .ground):
            settleOnGround(s, place: p, config: c)

        case (.airborne, .ground):
            airport = p.airport ?? airport
            // The touchdown is between the last airborne sample and this one: what both tell
            // (the rate is decided with the landing, when the rollout may have shown more).
            touchdownEvidence = TouchdownEstimate.Evidence(
                height: Float(previousAltitude - s.altitude), verticalSpeed: Float(previousVS),
                airSpeed: Float(previousSpeed), gap: Float(dt), groundAt: now,
                distance: Float(Geo.distanceNM(Double(latitude), Double(longitude), s.latitude, s.longitude)),
                firstGroundSpeed: Float(s.speed),
                flareRate: s.verticalSpeed <= -c.groundNoiseRate ? Float(s.verticalSpeed) : nil)
            if c.legacyTouchdownRate {
                let rate = s.verticalSpeed < 0 ? s.verticalSpeed : previousVS < 0 ? previousVS : nil
                touchdownRate = rate.map(Float.init)
            }
            touchdownAt = now
            touchdownSpeed = Float(s.speed)
            if s.speed < c.fullStopSpeed {
                actions.append(pendingLanding(groundSpeed: s.speed, touchAndGo: false, config: c))
                settleOnGround(s, place: p, config: c)
            } else {
                phase = .landed
                landedSamples = 1
            }

        case (.airborne, .air):
            // A touch-and-go between two samples: descending low before, climbing low now, at
            // the same airport, and the extrapolated times to and from the ground fit the gap.
            if let h0 = previousHeight.map(Double.init), let h1 = p.height, let here = p.airport,
               here == previousNear, previousVS < -100, s.verticalSpeed >= c.climbRate,
               h0 < c.highAboveFieldHeight, h1 < c.highAboveFieldHeight, dt > 0 {
                let toGround = max(0, h0) / -previousVS * 60
                let fromGround = max(0, h1) / s.verticalSpeed * 60
                if toGround + fromGround <= dt + c.touchAndGoSlack {
                    let at = sampledAt.addingTimeInterval(toGround)
                    // No ground sample: a rate only when the descending sample was in the flare.
                    let rate = c.legacyTouchdownRate || h0 <= c.flareHeight
                        ? TouchdownEstimate(rate: previousVS, source: .flare) : nil
                    actions.append(.landing(airport: here, at: at, touchdown: rate, groundSpeed: s.speed,
                                            touchAndGo: true, flightTime: flightTime(until: at)))
                    actions.append(.takeoff(airport: here, touchAndGo: true))
                    airport = here
                    liftOff(at: now)
                }
            }

        case (.landed, .air):
            actions.append(pendingLanding(groundSpeed: previousSpeed, touchAndGo: true, config: c))
            actions.append(.takeoff(airport: airport ?? p.airport, touchAndGo: true))
            liftOff(at: now)

        case (.landed, .ground), (.landed, .unknown):
            landedSamples &+= 1
            if cls == .ground, p.airport != nil { airport = p.airport }
            if cls == .ground, let evidence = touchdownEvidence, evidence.secondGroundSpeed == nil {
                if evidence.flareRate != nil, s.verticalSpeed > -c.groundNoiseRate {
                    // The sample before was still in the flare; this one is on the runway.
                    touchdownEvidence = TouchdownEstimate.Evidence(
                        height: Float(previousAltitude - s.altitude), verticalSpeed: Float(previousVS),
                        airSpeed: Float(previousSpeed), gap: Float(dt), groundAt: now,
                        distance: Float(Geo.distanceNM(Double(latitude), Double(longitude), s.latitude, s.longitude)),
                        firstGroundSpeed: Float(s.speed))
                } else if evidence.flareRate == nil {
                    touchdownEvidence?.secondGroundSpeed = Float(s.speed)
                    touchdownEvidence?.secondGap = Float(dt)
                }
            }
            // Slowed to taxi speed: a full stop. Still faster: the roll of a landing or of a
            // touch-and-go (decided by a later sample), for a few samples at most.
            if (cls == .ground && s.speed < c.fullStopSpeed) || landedSamples > c.landedSamplesLimit {
                actions.append(pendingLanding(groundSpeed: s.speed, touchAndGo: false, config: c))
                if cls == .ground { settleOnGround(s, place: p, config: c) } else { phase = .taxiing }
            }

        case (.parked, .unknown), (.taxiing, .unknown), (.airborne, .unknown):
            break
        }
        return actions
    }

    /// The landing action of a pending touchdown (phase ``DetectedPhase/landed``), clearing it.
    mutating func pendingLanding(groundSpeed: Double, touchAndGo: Bool, config c: DiffConfiguration) -> PhaseAction {
        let at = touchdownAt ?? sampledAt
        let rate: TouchdownEstimate? = if c.legacyTouchdownRate {
            touchdownRate.map { TouchdownEstimate(rate: Double($0), source: .estimated) }
        } else {
            touchdownEvidence.flatMap { TouchdownEstimate.estimate($0, touchAndGo: touchAndGo, config: c) }
        }
        wheelsAt = touchdownEvidence.map { TouchdownEstimate.wheelsOn($0, touchAndGo: touchAndGo, config: c) } ?? at
        let action = PhaseAction.landing(airport: airport, at: at, touchdown: rate,
                                         groundSpeed: touchdownSpeed.map(Double.init) ?? groundSpeed,
                                         touchAndGo: touchAndGo, flightTime: flightTime(until: at))
        touchdownAt = nil
        touchdownSpeed = nil
        touchdownRate = nil
        touchdownEvidence = nil
        landedSamples = 0
        return action
    }

    // MARK: - Helpers

    /// Seconds from the takeoff this engine saw to `date`.
    private func flightTime(until date: Date) -> TimeInterval? {
        takeoffAt.map { date.timeIntervalSince($0) }
    }

    private mutating func liftOff(at now: Date) {
        phase = .airborne
        takeoffAt = now
        groundAltitude = nil
        touchdownAt = nil
        touchdownRate = nil
        touchdownSpeed = nil
        touchdownEvidence = nil
        landedSamples = 0
    }

    private mutating func settleOnGround(_ s: SampleMotion, place p: SamplePlace, config c: DiffConfiguration) {
        phase = s.speed < c.parkedSpeed ? .parked : .taxiing
        if let a = p.airport {
            if a != airport { groundAltitude = nil }
            airport = a
        }
        // Only slow samples calibrate the field reference (a fast one may be a flare).
        if s.speed < c.taxiSpeed, p.airport != nil, abs(s.verticalSpeed) < c.levelRate {
            groundAltitude = Float(s.altitude)
        }
    }
}
