/// Traffic and ATC at one airport of a session, from `GET …/airport/{icao}/status` and, one per
/// active airport, from `GET …/sessions/{sessionId}/world`.
public struct AirportStatus: Sendable, Hashable, Codable {
    public var airportIcao: String
    /// Flights whose plan ends at this airport.
    public var inboundFlightsCount: Int
    /// Their flight ids.
    public var inboundFlights: [String]
    /// Flights whose plan starts at this airport.
    public var outboundFlightsCount: Int
    public var outboundFlights: [String]
    public var atcFacilities: [ActiveATCFacility]

    public init(
        airportIcao: String, inboundFlightsCount: Int, inboundFlights: [String],
        outboundFlightsCount: Int, outboundFlights: [String], atcFacilities: [ActiveATCFacility]
    ) {
        self.airportIcao = airportIcao
        self.inboundFlightsCount = inboundFlightsCount
        self.inboundFlights = inboundFlights
        self.outboundFlightsCount = outboundFlightsCount
        self.outboundFlights = outboundFlights
        self.atcFacilities = atcFacilities
    }
}
