/// The facility of a logged ATC session (``UserAtcSession/facility``).
public struct ATCFacility: Sendable, Hashable, Codable {
    public var id: String
    /// ICAO of the airport; optional because a center facility has none.
    public var airportIcao: String?
    public var latitude: Double
    public var longitude: Double
    /// Raw frequency type, numbered as ``ActiveATCFacility/type``.
    public var frequencyType: Int

    public init(id: String, airportIcao: String?, latitude: Double, longitude: Double, frequencyType: Int) {
        self.id = id
        self.airportIcao = airportIcao
        self.latitude = latitude
        self.longitude = longitude
        self.frequencyType = frequencyType
    }

    // MARK: - Encoding (nulls written, as the API does)

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(airportIcao, forKey: .airportIcao)
        try c.encode(latitude, forKey: .latitude)
        try c.encode(longitude, forKey: .longitude)
        try c.encode(frequencyType, forKey: .frequencyType)
    }
}
