import Foundation

/// One point of a flown route, from `GET …/flights/{flightId}/route`.
public struct PositionReport: Sendable, Hashable, Codable {
    public var latitude: Double
    public var longitude: Double
    /// Feet above mean sea level.
    public var altitude: Double
    public var track: Double
    /// Knots.
    public var groundSpeed: Double
    /// e.g. `2021-01-06T16:20:27.3275657Z`.
    public var date: Date

    public init(latitude: Double, longitude: Double, altitude: Double, track: Double, groundSpeed: Double, date: Date) {
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
        self.track = track
        self.groundSpeed = groundSpeed
        self.date = date
    }
}
