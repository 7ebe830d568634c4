import Foundation

/// One flight of a user's logbook, from `GET /public/v2/users/{userId}/flights[/{flightId}]`.
public struct UserFlight: Sendable, Hashable, Codable {
    public var id: String
    /// e.g. `2022-01-10T10:37:41.965626` (UTC).
    public var created: Date
    public var userId: String
    public var aircraftId: String
    /// Only supported on the Casual server: may be `null` elsewhere.
    public var liveryId: String?
    public var callsign: String
    /// Server name, e.g. `Casual Server`.
    public var server: String
    /// Minutes.
    public var dayTime: Double
    public var nightTime: Double
    public var totalTime: Double
    public var landingCount: Int
    /// ICAO; `null` when unknown.
    public var originAirport: String?
    /// ICAO; `null` when unknown.
    public var destinationAirport: String?
    public var xp: Int

    public init(
        id: String, created: Date, userId: String, aircraftId: String, liveryId: String?,
        callsign: String, server: String, dayTime: Double, nightTime: Double, totalTime: Double,
        landingCount: Int, originAirport: String?, destinationAirport: String?, xp: Int
    ) {
        self.id = id
        self.created = created
        self.userId = userId
        self.aircraftId = aircraftId
        self.liveryId = liveryId
        self.callsign = callsign
        self.server = server
        self.dayTime = dayTime
        self.nightTime = nightTime
        self.totalTime = totalTime
        self.landingCount = landingCount
        self.originAirport = originAirport
        self.destinationAirport = destinationAirport
        self.xp = xp
    }

    // MARK: - Encoding (nulls written, as the API does)

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(created, forKey: .created)
        try c.encode(userId, forKey: .userId)
        try c.encode(aircraftId, forKey: .aircraftId)
        try c.encode(liveryId, forKey: .liveryId)
        try c.encode(callsign, forKey: .callsign)
        try c.encode(server, forKey: .server)
        try c.encode(dayTime, forKey: .dayTime)
        try c.encode(nightTime, forKey: .nightTime)
        try c.encode(totalTime, forKey: .totalTime)
        try c.encode(landingCount, forKey: .landingCount)
        try c.encode(originAirport, forKey: .originAirport)
        try c.encode(destinationAirport, forKey: .destinationAirport)
        try c.encode(xp, forKey: .xp)
    }
}
