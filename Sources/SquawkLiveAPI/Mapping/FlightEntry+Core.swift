import SquawkCore

extension FlightEntry {
    // MARK: - Mapping to SquawkCore

    /// This flight as a snapshot sample. An unknown `pilotState` number becomes `nil`.
    public var sample: FlightSample {
        FlightSample(
            flightId: flightId, userId: userId, username: username, callsign: callsign,
            virtualOrganization: virtualOrganization, aircraftId: aircraftId, liveryId: liveryId,
            latitude: latitude, longitude: longitude, altitude: altitude, speed: speed,
            verticalSpeed: verticalSpeed, track: track, heading: heading,
            lastReport: lastReport, pilotState: pilotState.flatMap(PilotState.init(rawValue:)))
    }
}
