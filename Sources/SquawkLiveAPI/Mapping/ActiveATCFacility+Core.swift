import SquawkCore

extension ActiveATCFacility {
    // MARK: - Mapping to SquawkCore

    /// This frequency as a snapshot entry (`airportName` is the ICAO, `nil` for center).
    public var frequency: ATCFrequency {
        ATCFrequency(
            frequencyId: frequencyId, userId: userId, username: username, airportICAO: airportName,
            type: type, latitude: latitude, longitude: longitude, startTime: startTime)
    }
}
