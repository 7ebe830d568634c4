import Foundation

/// An open ATC frequency, from `GET …/sessions/{sessionId}/atc` and inside airport status.
public struct ActiveATCFacility: Sendable, Hashable, Codable {
    public var frequencyId: String
    public var userId: String
    /// Forum username; `null` when the account is not linked.
    public var username: String?
    /// Not in use by the API; usually `null`.
    public var virtualOrganization: String?
    /// ICAO of the airport; `null` for a center frequency.
    public var airportName: String?
    /// Raw frequency type; SquawkCore's `FrequencyTypeTable` names it.
    public var type: Int
    public var latitude: Double
    public var longitude: Double
    /// e.g. `2020-10-02 15:47:25Z`.
    public var startTime: Date

    public init(
        frequencyId: String, userId: String, username: String?, virtualOrganization: String?,
        airportName: String?, type: Int, latitude: Double, longitude: Double, startTime: Date
    ) {
        self.frequencyId = frequencyId
        self.userId = userId
        self.username = username
        self.virtualOrganization = virtualOrganization
        self.airportName = airportName
        self.type = type
        self.latitude = latitude
        self.longitude = longitude
        self.startTime = startTime
    }

    // MARK: - Encoding (nulls written, as the API does)

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(frequencyId, forKey: .frequencyId)
        try c.encode(userId, forKey: .userId)
        try c.encode(username, forKey: .username)
        try c.encode(virtualOrganization, forKey: .virtualOrganization)
        try c.encode(airportName, forKey: .airportName)
        try c.encode(type, forKey: .type)
        try c.encode(latitude, forKey: .latitude)
        try c.encode(longitude, forKey: .longitude)
        try c.encode(startTime, forKey: .startTime)
    }
}
