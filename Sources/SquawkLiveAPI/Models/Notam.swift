import Foundation

/// A NOTAM (or TFR) of a session, from `GET /public/v2/sessions/{sessionId}/notams`.
public struct Notam: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    public var author: String
    /// 0 NOTAM, 1 TFR.
    public var type: Int
    /// The session it is published on; `null` for all sessions.
    public var sessionId: String?
    /// Nautical miles.
    public var radius: Double
    public var message: String
    public var latitude: Double
    public var longitude: Double
    /// Nearest airport; optional because the API may omit it for open-water NOTAMs.
    public var icao: String?
    /// Feet.
    public var floor: Int
    /// Feet.
    public var ceiling: Int
    /// e.g. `2022-02-14T16:34:14.916` (UTC).
    public var startTime: Date
    /// e.g. `2100-01-01T16:34:00` for "until further notice".
    public var endTime: Date

    public init(
        id: String, title: String, author: String, type: Int, sessionId: String?, radius: Double,
        message: String, latitude: Double, longitude: Double, icao: String?, floor: Int,
        ceiling: Int, startTime: Date, endTime: Date
    ) {
        self.id = id
        self.title = title
        self.author = author
        self.type = type
        self.sessionId = sessionId
        self.radius = radius
        self.message = message
        self.latitude = latitude
        self.longitude = longitude
        self.icao = icao
        self.floor = floor
        self.ceiling = ceiling
        self.startTime = startTime
        self.endTime = endTime
    }

    // MARK: - Encoding (nulls written, as the API does)

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(author, forKey: .author)
        try c.encode(type, forKey: .type)
        try c.encode(sessionId, forKey: .sessionId)
        try c.encode(radius, forKey: .radius)
        try c.encode(message, forKey: .message)
        try c.encode(latitude, forKey: .latitude)
        try c.encode(longitude, forKey: .longitude)
        try c.encode(icao, forKey: .icao)
        try c.encode(floor, forKey: .floor)
        try c.encode(ceiling, forKey: .ceiling)
        try c.encode(startTime, forKey: .startTime)
        try c.encode(endTime, forKey: .endTime)
    }
}
