import Foundation

/// One flight of a session, from `GET /public/v2/sessions/{sessionId}/flights`.
///
/// `altitude` is feet above mean sea level, `speed` ground speed in knots, `verticalSpeed`
/// ft/min (../shared/FACTS.md). There is no on-ground flag.
public struct FlightEntry: Sendable, Hashable, Codable {
    public var flightId: String
    public var userId: String
    public var aircraftId: String
    public var liveryId: String
    /// Forum username; `null` when the account is not linked.
    public var username: String?
    /// Forum virtual organization; `null` when not set.
    public var virtualOrganization: String?
    public var callsign: String
    public var latitude: Double
    public var longitude: Double
    public var altitude: Double
    public var speed: Double
    public var verticalSpeed: Double
    public var track: Double
    public var heading: Double
    /// `lastReport`, e.g. `2020-10-02 00:46:19Z`.
    public var lastReport: Date
    /// Raw `pilotState` of newer responses (0 active, 1 away in flight, 2 away parked,
    /// 3 in background); kept raw so an unknown value never fails the whole list.
    public var pilotState: Int?

    public init(
        flightId: String, userId: String, aircraftId: String, liveryId: String,
        username: String?, virtualOrganization: String?, callsign: String,
        latitude: Double, longitude: Double, altitude: Double, speed: Double,
        verticalSpeed: Double, track: Double, heading: Double, lastReport: Date,
        pilotState: Int? = nil
    ) {
        self.flightId = flightId
        self.userId = userId
        self.aircraftId = aircraftId
        self.liveryId = liveryId
        self.username = username
        self.virtualOrganization = virtualOrganization
        self.callsign = callsign
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

    // MARK: - Encoding (nulls written, as the API does)

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(flightId, forKey: .flightId)
        try c.encode(userId, forKey: .userId)
        try c.encode(aircraftId, forKey: .aircraftId)
        try c.encode(liveryId, forKey: .liveryId)
        try c.encode(username, forKey: .username)
        try c.encode(virtualOrganization, forKey: .virtualOrganization)
        try c.encode(callsign, forKey: .callsign)
        try c.encode(latitude, forKey: .latitude)
        try c.encode(longitude, forKey: .longitude)
        try c.encode(altitude, forKey: .altitude)
        try c.encode(speed, forKey: .speed)
        try c.encode(verticalSpeed, forKey: .verticalSpeed)
        try c.encode(track, forKey: .track)
        try c.encode(heading, forKey: .heading)
        try c.encode(lastReport, forKey: .lastReport)
        try c.encode(pilotState, forKey: .pilotState)
    }
}
