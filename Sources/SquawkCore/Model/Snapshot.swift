import Foundation

/// One server as the Live API names it.
public struct ServerRef: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public init(id: String, name: String) { self.id = id; self.name = name }
}

/// Everything the poller learned about one server at one moment. A value, kept in memory only
/// (the Live API's conditions of use forbid storing its data; ../shared/FACTS.md).
public struct Snapshot: Sendable, Hashable {
    public var server: ServerRef
    /// When the poller received the flights list (the clock of the diff, not `lastReport`).
    public var takenAt: Date
    public var flights: [FlightSample]
    /// The ATC list, or `nil` when this round did not poll it (then ATC state is left as it was).
    public var atc: [ATCFrequency]?
    /// Flight plans fetched this round for watched flights, by flight id.
    public var flightPlans: [String: FlightPlanSummary]
    /// ATIS texts fetched this round, by airport ICAO; an airport absent here was not polled.
    /// A value of `nil` means "polled, no ATIS available".
    public var atis: [String: String?]

    public init(
        server: ServerRef,
        takenAt: Date,
        flights: [FlightSample],
        atc: [ATCFrequency]? = nil,
        flightPlans: [String: FlightPlanSummary] = [:],
        atis: [String: String?] = [:]
    ) {
        self.server = server
        self.takenAt = takenAt
        self.flights = flights
        self.atc = atc
        self.flightPlans = flightPlans
        self.atis = atis
    }
}

/// `pilotState` of a flight (newer Live API responses). Values 1–3 freeze the reported position.
public enum PilotState: Int, Sendable, Hashable, Codable, CaseIterable {
    case active = 0, awayInFlight = 1, awayParked = 2, inBackground = 3

    /// The name used in event payloads.
    public var name: String {
        switch self {
        case .active: "active"
        case .awayInFlight: "away_in_flight"
        case .awayParked: "away_parked"
        case .inBackground: "background"
        }
    }
}

/// One flight in a snapshot: the fields of the Live API's FlightEntry that Squawk uses.
/// `altitude` is feet above mean sea level; `speed` is ground speed in knots.
public struct FlightSample: Sendable, Hashable, Codable {
    public var flightId: String
    public var userId: String
    public var username: String?
    public var callsign: String
    public var virtualOrganization: String?
    public var aircraftId: String
    public var liveryId: String
    public var latitude: Double
    public var longitude: Double
    public var altitude: Double
    public var speed: Double
    public var verticalSpeed: Double
    public var track: Double
    public var heading: Double
    public var lastReport: Date
    public var pilotState: PilotState?

    public init(
        flightId: String, userId: String, username: String? = nil, callsign: String,
        virtualOrganization: String? = nil, aircraftId: String = "", liveryId: String = "",
        latitude: Double, longitude: Double, altitude: Double, speed: Double,
        verticalSpeed: Double = 0, track: Double = 0, heading: Double = 0,
        lastReport: Date, pilotState: PilotState? = nil
    ) {
        self.flightId = flightId
        self.userId = userId
        self.username = username
        self.callsign = callsign
        self.virtualOrganization = virtualOrganization
        self.aircraftId = aircraftId
        self.liveryId = liveryId
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
        self.speed = speed
        self.verticalSpeed = verticalSpeed
        self.track = track
        self.heading = heading
        self.lastReport = lastReport
        self.pilotState = pilotState
    }
}

/// An open ATC frequency. `type` is the Live API's raw number; ``FrequencyTypeTable`` names it.
public struct ATCFrequency: Sendable, Hashable, Codable {
    public var frequencyId: String
    public var userId: String
    public var username: String?
    /// ICAO of the airport; `nil` for a center frequency.
    public var airportICAO: String?
    public var type: Int
    public var latitude: Double
    public var longitude: Double
    public var startTime: Date?

    public init(
        frequencyId: String, userId: String, username: String? = nil, airportICAO: String?,
        type: Int, latitude: Double = 0, longitude: Double = 0, startTime: Date? = nil
    ) {
        self.frequencyId = frequencyId
        self.userId = userId
        self.username = username
        self.airportICAO = airportICAO
        self.type = type
        self.latitude = latitude
        self.longitude = longitude
        self.startTime = startTime
    }
}

/// What the diff engine needs of a flight plan: endpoints and a fingerprint of the route.
public struct FlightPlanSummary: Sendable, Hashable, Codable {
    public var flightPlanId: String?
    /// First waypoint when it is an airport ICAO.
    public var origin: String?
    /// Last waypoint when it is an airport ICAO.
    public var destination: String?
    public var waypoints: [String]

    public init(flightPlanId: String? = nil, origin: String?, destination: String?, waypoints: [String]) {
        self.flightPlanId = flightPlanId
        self.origin = origin
        self.destination = destination
        self.waypoints = waypoints
    }
}
