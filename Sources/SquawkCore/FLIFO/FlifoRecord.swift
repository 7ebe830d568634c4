import Foundation

/// One entry of a FLIFO `flightRecord` array (seed 004) as Squawk fills it, on the FLIFO route
/// and in `flifo` notifications. Every field is optional because FLIFO omits what it does not
/// know ("fields not available in the response will be omitted"): never `null`, never `""`.
///
/// Seed fields Squawk never writes: `scheduled` (Infinite Flight has no schedules),
/// `tailNumber`, `gate`, `marketingCarriers` (no such data). Fields Squawk adds, which a FLIFO
/// client can ignore: `actual` (a time in the format of `estimated`), `callsign`; on the
/// route `latitude`, `longitude`, `altitude` (ft MSL), `groundSpeed` (kt); in notifications
/// `eventType` and `sequence` (per flight and subscription, for ordering).
public struct FlifoRecord: Sendable, Hashable {
    /// FLIFO's `operatingCarrier`.
    public struct Carrier: Sendable, Hashable {
        public var airlineCode: String
        public var flightNumber: String
        public var airline: String

        public init(airlineCode: String, flightNumber: String, airline: String) {
            self.airlineCode = airlineCode
            self.flightNumber = flightNumber
            self.airline = airline
        }
    }

    public var operatingCarrier: Carrier?
    /// The other end of the flight, as in the seed (a `D` record from LAX names JFK): the
    /// destination in a departure record, the origin in an arrival record. IATA code when the
    /// airport has one, else ICAO.
    public var airportCode: String?
    /// The city `airportCode`'s airport serves, from the bundled airport data.
    public var city: String?
    /// The aircraft's name ("Airbus A220-300"), only when known.
    public var aircraft: String?
    public var status: FlifoStatus?
    /// Estimated time of the record's side (departure in a `D` record, arrival in an `A` one).
    public var estimated: Date?
    /// Actual time of the record's side: takeoff in a `D` record, touchdown in an `A` one.
    public var actual: Date?
    public var callsign: String?
    public var latitude: Double?
    public var longitude: Double?
    public var altitude: Double?
    public var groundSpeed: Double?
    public var eventType: String?
    public var sequence: Int64?

    public init(operatingCarrier: Carrier? = nil, airportCode: String? = nil, city: String? = nil, aircraft: String? = nil,
                status: FlifoStatus? = nil, estimated: Date? = nil, actual: Date? = nil, callsign: String? = nil) {
        self.operatingCarrier = operatingCarrier
        self.airportCode = airportCode
        self.city = city
        self.aircraft = aircraft
        self.status = status
        self.estimated = estimated
        self.actual = actual
        self.callsign = callsign
    }

    /// The record as FLIFO JSON: unknown fields are left out, `statusText` goes with `status`.
    public var json: JSONValue {
        var o: [String: JSONValue] = [:]
        func put(_ key: String, _ value: String?) {
            if let value, !value.isEmpty { o[key] = .string(value) }
        }
        func put(_ key: String, _ value: Double?) {
            if let value, value.isFinite { o[key] = .number(value) }
        }
        if let c = operatingCarrier {
            o["operatingCarrier"] = .object(["airlineCode": .string(c.airlineCode), "flightNumber": .string(c.flightNumber),
                                             "airline": .string(c.airline)])
        }
        put("airportCode", airportCode)
        put("city", city)
        put("aircraft", aircraft)
        put("status", status?.rawValue)
        put("statusText", status?.text)
        put("estimated", estimated.map(Self.time))
        put("actual", actual.map(Self.time))
        put("callsign", callsign)
        put("latitude", latitude)
        put("longitude", longitude)
        put("altitude", altitude)
        put("groundSpeed", groundSpeed)
        put("eventType", eventType)
        if let sequence { o["sequence"] = .number(Double(sequence)) }
        return .object(o)
    }

    /// A FLIFO time as the seed writes it (`2018-11-20T09:15:00-0800`), in UTC (`+0000`): the
    /// airport data has no time zones, and the offset keeps the instant exact.
    public static func time(_ d: Date) -> String {
        let z = PayloadRenderer.timestamp(d)
        return z.hasSuffix("Z") ? String(z.dropLast()) + "+0000" : z
    }
}
