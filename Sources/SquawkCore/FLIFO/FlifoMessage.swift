/// A FLIFO v3 FlightRecord body (seed 004): the FLIFO route's answer and, with
/// `subscribedForUpdates: true`, the notification a `flifo` subscription receives.
///
/// `airportCode` and `adi` say which side of the flight the record describes: `D` and the
/// departure airport, or `A` and the arrival airport (IATA code when it has one, else ICAO).
/// The route echoes the request; a notification takes them from its event (see
/// ``init(event:sequence:airports:airlines:)``). As everywhere in FLIFO, what is not known is
/// left out, never written as `null` or `""`.
public struct FlifoMessage: Sendable, Hashable {
    /// FLIFO's departure/arrival indicator.
    public enum Side: String, Sendable, Hashable {
        case departure = "D"
        case arrival = "A"
    }

    public var airportCode: String?
    public var airlineCode: String?
    public var flightNumber: String?
    /// `YYYY-MM-DD`: the operation date asked for, or the UTC day of the event.
    public var flightDate: String
    public var adi: Side?
    public var subscribedForUpdates: Bool
    public var flightRecord: [FlifoRecord]

    public init(airportCode: String?, airlineCode: String?, flightNumber: String?, flightDate: String, adi: Side?,
                subscribedForUpdates: Bool, flightRecord: [FlifoRecord]) {
        self.airportCode = airportCode
        self.airlineCode = airlineCode
        self.flightNumber = flightNumber
        self.flightDate = flightDate
        self.adi = adi
        self.subscribedForUpdates = subscribedForUpdates
        self.flightRecord = flightRecord
    }

    /// The body as JSON, with `success: true`.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "flightDate": .string(flightDate), "subscribedForUpdates": .bool(subscribedForUpdates),
            "flightRecord": .array(flightRecord.map(\.json)), "success": true,
        ]
        for (key, value) in [("airportCode", airportCode), ("airlineCode", airlineCode), ("flightNumber", flightNumber),
                             ("adi", adi?.rawValue)] {
            if let value, !value.isEmpty { o[key] = .string(value) }
        }
        return .object(o)
    }
}

extension Airport {
    /// The code FLIFO names an airport by: IATA when it has one, else ICAO.
    public var flifoCode: String { iata ?? icao }
}
