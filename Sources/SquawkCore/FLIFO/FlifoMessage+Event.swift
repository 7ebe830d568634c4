import Foundation

// MARK: - Notifications from events

/// How a `flifo` subscription's notification is made from an event. Each event maps to one
/// row; "—" is left out of the payload.
///
/// | event | `adi` | `airportCode` | record `airportCode`, `city` | `status` | times |
/// | --- | --- | --- | --- | --- | --- |
/// | `flight.online`, on the ground | `D` | where it is | — | `SC` Scheduled (parked) or `TX` Taxiing | — |
/// | `flight.online`, in the air | — | — | — | `DP` Departed | — |
/// | `flight.plan_filed`, `flight.plan_changed` | `D` | origin | destination | — | — |
/// | `flight.takeoff` | `D` | departure airport | destination | `DP` Departed | `actual`: takeoff |
/// | `flight.approaching` | `A` | destination | — | `AP` Approaching | `estimated`: event time + `etaMinutes` |
/// | `flight.diverted` | `A` | new destination | — | `DV` Diverted | — |
/// | `flight.landing` | `A` | landing airport | origin | `LD` Landed | `actual`: touchdown |
/// | `flight.offline`, in the air | — | — | — | `UN` Unknown | — |
/// | touch-and-go (`flight.landing`/`flight.takeoff` with `touchAndGo`), `flight.pilot_state`, `flight.offline` on the ground | — | — | — | — | — |
/// | `flight.completed`, `outcome: completed` | `A` | arrival airport | departure airport | `AR` Arrived | `actual`: in |
/// | `flight.completed`, `outcome: disconnected` | — | — | — | `UN` Unknown | — |
/// | anything else (`atc.*`, `atis.changed`, `subscription.test`, types added later) | — | — | — | — | — |
///
/// A status is a state, so events that do not move the flight on claim none and the last one
/// stands: a pilot going away, a route amended in flight, a touch-and-go or a disconnect at the
/// gate leave a landed flight Landed and a parked one Scheduled. Every record also carries,
/// when known, `operatingCarrier` (from the callsign: `DAL40`, `DL40`, `Delta 40 Heavy`),
/// `callsign`, `aircraft` (the event's `aircraftName` or `aircraft.name`; the Live API gives
/// only ids), `eventType` and `sequence`. `airportCode`s are IATA codes when the airport has
/// one, `city` comes from the bundled airport data, times are UTC (see ``FlifoRecord/time(_:)``),
/// `flightDate` is the UTC day of the event.
extension FlifoMessage {
    public init(event e: FlightEvent, sequence: Int64, airports: AirportIndex, airlines: AirlineDirectory) {
        let row = Self.row(e)
        let flight = e.callsign.flatMap { airlines.flight(callsign: $0) }
        var record = FlifoRecord(airportCode: row.otherEnd.map { airports[$0]?.flifoCode ?? $0 },
                                 city: row.otherEnd.flatMap { airports[$0]?.city }, aircraft: Self.aircraftName(e.data),
                                 status: row.status, estimated: row.estimated, actual: row.actual, callsign: e.callsign)
        record.operatingCarrier = flight.map {
            FlifoRecord.Carrier(airlineCode: $0.airline.iata, flightNumber: $0.number, airline: $0.airline.name)
        }
        record.eventType = e.type.rawValue
        record.sequence = sequence
        self.init(airportCode: row.airport.map { airports[$0]?.flifoCode ?? $0 }, airlineCode: flight?.airline.iata,
                  flightNumber: flight?.number, flightDate: String(PayloadRenderer.timestamp(e.at).prefix(10)), adi: row.adi,
                  subscribedForUpdates: true, flightRecord: [record])
    }

    /// One row of the table above: airports are ICAO codes as events carry them.
    struct Row {
        var adi: Side?
        var airport: String?
        var otherEnd: String?
        var status: FlifoStatus?
        var estimated: Date?
        var actual: Date?
    }

    static func row(_ e: FlightEvent) -> Row {
        let d = e.data
        let touchAndGo = d["touchAndGo"]?.boolValue == true
        switch e.type {
        case .flightOnline:
            if d["airborne"]?.boolValue == true { return Row(status: .departed) }
            return Row(adi: .departure, airport: e.airport, status: d["phase"]?.stringValue == "taxiing" ? .taxiing : .scheduled)
        case .planFiled, .planChanged:
            return Row(adi: .departure, airport: d["origin"]?.stringValue, otherEnd: d["destination"]?.stringValue)
        case .takeoff where !touchAndGo:
            return Row(adi: .departure, airport: e.airport, otherEnd: d["destination"]?.stringValue, status: .departed, actual: e.at)
        case .approaching:
            let eta = d["etaMinutes"]?.doubleValue.map { e.at.addingTimeInterval(($0 * 60).rounded()) }
            return Row(adi: .arrival, airport: e.airport, status: .approaching, estimated: eta)
        case .diverted:
            return Row(adi: .arrival, airport: e.airport ?? d["destination"]?.stringValue, status: .diverted)
        case .landing where !touchAndGo:
            return Row(adi: .arrival, airport: e.airport, otherEnd: d["origin"]?.stringValue, status: .landed, actual: e.at)
        case .flightOffline where d["airborne"]?.boolValue == true:
            return Row(status: .unknown)
        case .flightCompleted where d["outcome"]?.stringValue == "disconnected":
            return Row(status: .unknown)
        case .flightCompleted:
            return Row(adi: .arrival, airport: e.airport ?? d["arrivalAirport"]?.stringValue,
                       otherEnd: d["departureAirport"]?.stringValue ?? d["origin"]?.stringValue, status: .arrived, actual: e.at)
        default:
            return Row()
        }
    }

    /// The aircraft's name, when the event names it (never its id: FLIFO's `aircraft` is a type).
    static func aircraftName(_ d: [String: JSONValue]) -> String? {
        if let name = d["aircraftName"]?.stringValue { return name }
        if case .object(let aircraft)? = d["aircraft"] { return aircraft["name"]?.stringValue }
        return nil
    }
}
