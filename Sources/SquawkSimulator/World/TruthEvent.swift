import Foundation
import SquawkCore

// MARK: - TruthEvent

/// Something that really happened in the simulated world: the yardstick detection quality is
/// measured against. Served as JSON by `GET /_sim/truth?since=`.
///
/// JSON: every key below is always present (`null` when absent); `type` is the raw event name
/// (`"flight.takeoff"`) and `at` ISO 8601 with fractional seconds (`2024-06-01T12:00:15.000Z`).
///
/// `details` by type (all optional extras):
/// - `flight.online`: `initial` (true for flights already there when the world began), `phase`.
/// - `flight.offline`: `phase`; `airborne` is set on the event itself.
/// - `flight.takeoff` / `flight.landing`: `groundSpeed` (kt), `destination`/`origin` when planned.
/// - `flight.plan_filed` / `flight.plan_changed`: `origin`, `destination`, `waypointCount`,
///   `reason` (`filed`, `amended`, `diverted`).
/// - `flight.diverted`: `oldDestination`, `newDestination` (also in `airport`).
/// - `flight.pilot_state`: `old`, `new` (raw numbers) and `oldName`, `newName`.
/// - `atc.opened` / `atc.closed`: `username`, `kind` (`tower`, …), `initial` for those open at start.
/// - `atis.changed`: `letter` (or null when the ATIS went away), `previousLetter`, `text`.
public struct TruthEvent: Sendable, Codable, Hashable {
    public var type: EventType
    public var at: Date
    /// Server (session) id.
    public var server: String
    public var flightId: String?
    public var userId: String?
    public var callsign: String?
    /// ICAO: takeoff/landing airport, ATC/ATIS airport, new destination for `flight.diverted`.
    public var airport: String?
    public var frequencyId: String?
    /// Raw Live API frequency type number.
    public var frequencyType: Int?
    /// Vertical speed at touchdown, ft/min (negative), for landings.
    public var touchdownRate: Double?
    /// For landings: a touch-and-go (a takeoff follows after a short ground roll).
    public var touchAndGo: Bool?
    /// For online/offline: airborne at that moment?
    public var airborne: Bool?
    public var details: [String: JSONValue]

    public init(
        type: EventType, at: Date, server: String, flightId: String? = nil, userId: String? = nil,
        callsign: String? = nil, airport: String? = nil, frequencyId: String? = nil,
        frequencyType: Int? = nil, touchdownRate: Double? = nil, touchAndGo: Bool? = nil,
        airborne: Bool? = nil, details: [String: JSONValue] = [:]
    ) {
        self.type = type
        self.at = at
        self.server = server
        self.flightId = flightId
        self.userId = userId
        self.callsign = callsign
        self.airport = airport
        self.frequencyId = frequencyId
        self.frequencyType = frequencyType
        self.touchdownRate = touchdownRate
        self.touchAndGo = touchAndGo
        self.airborne = airborne
        self.details = details
    }

    // MARK: - Codable

    enum CodingKeys: String, CodingKey {
        case type, at, server, flightId, userId, callsign, airport, frequencyId, frequencyType
        case touchdownRate, touchAndGo, airborne, details
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(EventType.self, forKey: .type)
        let text = try c.decode(String.self, forKey: .at)
        guard let date = TruthEvent.parseDate(text) else {
            throw DecodingError.dataCorruptedError(forKey: .at, in: c, debugDescription: "not ISO 8601: \(text)")
        }
        at = date
        server = try c.decode(String.self, forKey: .server)
        flightId = try c.decodeIfPresent(String.self, forKey: .flightId)
        userId = try c.decodeIfPresent(String.self, forKey: .userId)
        callsign = try c.decodeIfPresent(String.self, forKey: .callsign)
        airport = try c.decodeIfPresent(String.self, forKey: .airport)
        frequencyId = try c.decodeIfPresent(String.self, forKey: .frequencyId)
        frequencyType = try c.decodeIfPresent(Int.self, forKey: .frequencyType)
        touchdownRate = try c.decodeIfPresent(Double.self, forKey: .touchdownRate)
        touchAndGo = try c.decodeIfPresent(Bool.self, forKey: .touchAndGo)
        airborne = try c.decodeIfPresent(Bool.self, forKey: .airborne)
        details = try c.decodeIfPresent([String: JSONValue].self, forKey: .details) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(TruthEvent.formatDate(at), forKey: .at)
        try c.encode(server, forKey: .server)
        try c.encode(flightId, forKey: .flightId)
        try c.encode(userId, forKey: .userId)
        try c.encode(callsign, forKey: .callsign)
        try c.encode(airport, forKey: .airport)
        try c.encode(frequencyId, forKey: .frequencyId)
        try c.encode(frequencyType, forKey: .frequencyType)
        try c.encode(touchdownRate, forKey: .touchdownRate)
        try c.encode(touchAndGo, forKey: .touchAndGo)
        try c.encode(airborne, forKey: .airborne)
        try c.encode(details, forKey: .details)
    }

    // MARK: - ISO 8601

    /// `yyyy-MM-ddTHH:mm:ss.SSSZ` in UTC.
    static func formatDate(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Parses ISO 8601 with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
