import Foundation
import SquawkCore

// MARK: - SimFlight

/// One aircraft on a server: identity, route, true kinematic state, scheduled happenings and
/// what it reports. The world steps it once per simulated second (``step(_:events:)`` in
/// `SimFlight+Step.swift`); a scripted flight follows its ``ScriptPlan`` instead.
struct SimFlight: Sendable {
    // MARK: Identity
    let flightId: String
    let userId: String
    let username: String?
    let callsign: String
    let virtualOrganization: String?
    let aircraftIndex: Int
    let liveryIndex: Int
    /// The flight's own random stream (one flight's draws never shift another's).
    var rng: SimRandom
    let spawnTick: Int

    // MARK: Route
    let origin: AirportGeo
    var destination: AirportGeo
    /// A circuit flight: origin == destination, low altitude, touch-and-goes.
    let pattern: Bool
    /// The plan the pilot will file (drawn at spawn so the route can follow it).
    var plan: SimFlightPlan?
    /// Whether ``plan`` has been filed (is visible through the API).
    var filed = false
    /// Steering targets after the climb-out; the last two are the final approach fix and the
    /// threshold of the destination runway.
    var route: [GeoPoint] = []
    /// `routeSuffix[i]`: distance from `route[i]` to the end of the route, nm.
    var routeSuffix: [Double] = []
    var routeIndex = 0
    var cruiseAltitude: Double
    var cruiseSpeed: Double
    /// Target climb rate, ft/min (1,500–3,000).
    var climbRate: Double
    /// Touchdown vertical speed the pilot will achieve, ft/min (−60…−700).
    var touchdownRate: Double
    var touchAndGosLeft: Int
    /// Height of the altitude reference above the runway when on the ground, ft (0–10).
    var gearHeight: Double
    /// Heading minus track in the air (wind correction), degrees.
    var windCorrection: Double
    var rollAcceleration: Double
    var taxiSpeed: Double

    // MARK: True state
    var position: GeoPoint
    var altitude: Double
    var groundSpeed = 0.0
    var verticalSpeed = 0.0
    var track: Double
    var heading: Double
    var phase: FlightPhase = .parked
    /// Seconds left in a timed phase (parked dwell, hold before take-off, touch-and-go roll).
    var phaseTimer = 0
    var touchAndGoLength = 0
    var climbOut = true
    var taxiTarget: GeoPoint
    /// Seconds between the true state and `lastReport` (0–2).
    var reportLag = 0
    /// Remaining distance to the threshold computed in the last airborne step, nm.
    var lastRemaining = 0.0

    // MARK: Scheduled happenings
    /// File the plan when taxiing starts + this many seconds (plans filed while taxiing).
    var planFileDelay: Int?
    var planFileTick: Int?
    var willDisconnect = false
    var disconnectTick: Int?
    var divertAtRemaining: Double?
    var amendAtRemaining: Double?
    var wantsCruiseEpisode = false
    var episode: (start: Int, end: Int, state: PilotState)?
    var pilotState: PilotState = .active
    /// The values reported while `pilotState` is 1–3 (captured when the episode began).
    var frozen: FlightSample?
    var neverDeparts = false
    var script: ScriptPlan?

    // MARK: Trail
    /// Positions recorded every 60 s for `/route`.
    var trail: [TrailPoint] = []
    var takeoffs = 0
    var landings = 0
    /// For the truth of a flight's summary (`flight.completed`): when it first moved and when
    /// it parked after landing (ticks), the distance flown in the air and the top altitude.
    var outTick: Int?
    var inTick: Int?
    var flownNM = 0.0
    var maxAltitude = 0.0

    /// One point of the flown route.
    struct TrailPoint: Sendable {
        var position: GeoPoint
        var altitude: Double
        var track: Double
        var groundSpeed: Double
        var tick: Int
    }

    init(
        flightId: String, userId: String, username: String?, callsign: String, virtualOrganization: String?,
        aircraftIndex: Int, liveryIndex: Int, rng: SimRandom, spawnTick: Int, origin: AirportGeo,
        destination: AirportGeo, pattern: Bool, cruiseAltitude: Double, cruiseSpeed: Double
    ) {
        self.flightId = flightId
        self.userId = userId
        self.username = username
        self.callsign = callsign
        self.virtualOrganization = virtualOrganization
        self.aircraftIndex = aircraftIndex
        self.liveryIndex = liveryIndex
        self.rng = rng
        self.spawnTick = spawnTick
        self.origin = origin
        self.destination = destination
        self.pattern = pattern
        self.cruiseAltitude = cruiseAltitude
        self.cruiseSpeed = cruiseSpeed
        var r = rng
        climbRate = r.uniform(1_500, 3_000)
        // Mostly gentle touchdowns with a tail of firm ones.
        let u = r.unit()
        touchdownRate = -(60 + 640 * u * u)
        touchAndGosLeft = 0
        gearHeight = r.uniform(2, 9)
        windCorrection = r.jitter(8)
        rollAcceleration = r.uniform(2.3, 3.8)
        taxiSpeed = r.uniform(10, 20)
        let gate = origin.gate(&r)
        position = gate
        altitude = origin.elevation + gearHeight
        track = r.uniform(0, 360)
        heading = track
        taxiTarget = origin.threshold
        self.rng = r
    }

    var aircraft: AircraftType { AircraftCatalog.all[aircraftIndex] }

    // MARK: - Route geometry

    /// Sets the steering route and its distance table.
    mutating func setRoute(_ points: [GeoPoint]) {
        route = points
        routeIndex = 0
        var suffix = [Double](repeating: 0, count: points.count)
        if points.count > 1 {
            for i in stride(from: points.count - 2, through: 0, by: -1) {
                suffix[i] = suffix[i + 1] + points[i].distance(to: points[i + 1])
            }
        }
        routeSuffix = suffix
    }

    /// The route a normal flight steers: enroute fixes, the final approach fix, the threshold.
    mutating func setCrossCountryRoute(fixes: [GeoPoint]) {
        let faf = destination.finalFix(distance: 9)
        setRoute(fixes + [faf, destination.threshold])
    }

    /// A left- or right-hand circuit: upwind, crosswind, downwind, base/final fix, threshold.
    mutating func setCircuitRoute() {
        let side: Double = rng.chance(0.5) ? 1 : -1
        let width = rng.uniform(1.6, 2.4) * side
        setRoute([
            destination.point(along: 3.2),
            destination.point(along: 3.2, lateral: width),
            destination.point(along: -2.8, lateral: width),
            destination.finalFix(distance: 3.5),
            destination.threshold,
        ])
    }

    /// Vertical profile to the destination: 3° (318 ft/nm) above a point 50 ft over the threshold.
    func profileAltitude(remaining: Double) -> Double {
        destination.elevation + 50 + remaining * 318
    }

    // MARK: - Reporting

    /// What the Live API shows for this flight at `date` (frozen values while away).
    func report(at date: Date) -> FlightSample {
        if var frozen {
            frozen.pilotState = pilotState
            return frozen
        }
        let type = aircraft
        return FlightSample(
            flightId: flightId, userId: userId, username: username, callsign: callsign,
            virtualOrganization: virtualOrganization, aircraftId: type.id, liveryId: type.liveryId(liveryIndex),
            latitude: position.lat, longitude: position.lon, altitude: altitude, speed: groundSpeed,
            verticalSpeed: verticalSpeed, track: track, heading: heading,
            lastReport: date.addingTimeInterval(-Double(reportLag)), pilotState: pilotState
        )
    }

    /// A truth event about this flight.
    func event(_ type: EventType, _ ctx: StepContext, airport: String? = nil, details: [String: JSONValue] = [:]) -> TruthEvent {
        TruthEvent(type: type, at: ctx.date, server: ctx.serverId, flightId: flightId, userId: userId,
                   callsign: callsign, airport: airport, details: details)
    }
}

// MARK: - StepContext

/// What a flight needs to know about the world during one step.
struct StepContext {
    let tick: Int
    let date: Date
    let serverId: String
    let serverName: String
    /// Candidate airports for diversions.
    let airports: [AirportGeo]
}
