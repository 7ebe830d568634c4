import Foundation

/// What the differ gathers over one flight, from its first movement to its end, for the
/// `flight.completed` summary (a virtual airline's pilot report). Computed from the samples as
/// they pass, so no track is kept (../shared/FACTS.md, "no permanent storage"): a few numbers
/// per flight.
///
/// A leg starts when the flight is first seen; it restarts (without a summary) when a flight
/// that has landed full stop moves off again without going offline: the summary then covers the
/// last leg flown.
struct FlightLeg: Sendable, Codable, Hashable {
    /// First movement on the ground (`out`): the first moving sample after one seen parked.
    var outAt: Date?
    /// First takeoff (`off`) and its airport (the actual origin).
    var offAt: Date?
    var departure: String?
    /// Plan endpoints when the flight left the ground (or when the plan was first seen in the air).
    var plannedOrigin: String?
    var plannedDestination: String?
    /// The full-stop landing (`on`) — set once the landing is decided — and where.
    var onAt: Date?
    var arrival: String?
    var touchdownRate: Float?
    var touchdownRateSource: TouchdownRateSource?
    var landingSpeed: Float?
    /// First parked sample after the full-stop landing (`in`).
    var inAt: Date?
    /// Distance flown in the air, great-circle sums between samples, nautical miles.
    var flownNM: Float = 0
    var maxAltitude: Float?
    var touchAndGos: UInt8 = 0
    var diversions: UInt8 = 0
    /// Seen parked since the leg began (so a later movement is its `out`).
    var seenParked = false

    /// Whether there is anything to report: the flight flew or landed while watched.
    var flew: Bool { offAt != nil || onAt != nil || flownNM > 0 }
}

// MARK: - The summary

extension FlightLeg {
    /// `flight.completed`'s `data` (see the table in `SnapshotDiffer+Flights.swift`): `endedAt`
    /// is the `in` time of a completed flight or the last sample of a disconnected one.
    func summary(disconnected: Bool, endedAt: Date, lastLatitude: Double, lastLongitude: Double,
                 config: DiffConfiguration) -> [String: JSONValue] {
        func iso(_ d: Date?) -> JSONValue { d.map { SnapshotDiffer.iso($0) } ?? .null }
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func seconds(_ a: Date?, _ b: Date?) -> JSONValue {
            guard let a, let b, b >= a else { return .null }
            return .number(b.timeIntervalSince(a).rounded())
        }
        let inAt = disconnected ? nil : (self.inAt ?? endedAt)
        var data: [String: JSONValue] = [
            "outcome": .string(disconnected ? "disconnected" : "completed"),
            "origin": text(plannedOrigin), "destination": text(plannedDestination),
            "departureAirport": text(departure),
            "departureAirportName": SnapshotDiffer.airportName(departure, config),
            "outAt": iso(outAt), "offAt": iso(offAt),
            "blockTime": seconds(outAt, disconnected ? endedAt : inAt),
            "airTime": seconds(offAt, disconnected ? endedAt : onAt),
            "flownDistanceNM": SnapshotDiffer.number(flownNM, 1),
            "maxAltitude": maxAltitude.map { SnapshotDiffer.number($0, 0) } ?? .null,
            "touchAndGos": .number(Double(touchAndGos)),
            "diversions": .number(Double(diversions)),
            "lastSeenAt": SnapshotDiffer.iso(endedAt),
        ]
        // Great circle: airport to airport, or to where a disconnected flight was last seen.
        let from = departure.flatMap { config.locator.airport($0) }
        if disconnected {
            data["greatCircleNM"] = from.map {
                SnapshotDiffer.number(Geo.distanceNM($0.latitude, $0.longitude, lastLatitude, lastLongitude), 1)
            } ?? .null
        } else {
            let to = arrival.flatMap { config.locator.airport($0) }
            data["greatCircleNM"] = from.flatMap { f in to.map { t in
                SnapshotDiffer.number(Geo.distanceNM(f.latitude, f.longitude, t.latitude, t.longitude), 1)
            } } ?? .null
            data["arrivalAirport"] = text(arrival)
            data["arrivalAirportName"] = SnapshotDiffer.airportName(arrival, config)
            data["onAt"] = iso(onAt)
            data["inAt"] = iso(inAt)
            data["touchdownRate"] = touchdownRate.map { SnapshotDiffer.number($0, 0) } ?? .null
            data["touchdownRateSource"] = touchdownRateSource.map { .string($0.rawValue) } ?? .null
            data["groundSpeed"] = landingSpeed.map { SnapshotDiffer.number($0, 1) } ?? .null
        }
        return data
    }
}
