import Foundation

/// What a live card shows: one flight as its events so far tell it (phase, altitude, speed,
/// route, the last event and its time). Events merge in sequence order; one no newer than what
/// the card holds changes nothing, so pending edits coalesce into the newest state whatever
/// order they are read in. Squawk's own derived data: it is stored, raw snapshots are not.
public struct FlightCard: Sendable, Hashable, Codable {
    public enum Phase: String, Sendable, Hashable, Codable {
        case ground, airborne, approaching, landed, offline, completed, disconnected

        /// No event changes it any more.
        public var isFinal: Bool { self == .offline || self == .completed || self == .disconnected }
    }

    public var flightId: String
    public var callsign: String?
    public var pilot: String?
    public var server: String?
    public var aircraft: String?
    public var phase: Phase
    /// Where the phase happens: the airport parked at, departed from, approached or landed at.
    public var airport: String?
    public var origin: String?
    public var destination: String?
    public var altitude: Double?
    public var groundSpeed: Double?
    public var touchdownRate: Double?
    public var lastEvent: EventType
    /// The last event's headline, unescaped (the renderer escapes it for its format).
    public var lastHeadline: String
    public var lastAt: Date
    /// The sequence of the newest event merged.
    public var sequence: Int64

    /// A card for `e`'s flight with only `e` merged; nil for an event without a flight.
    public init?(_ e: FlightEvent, sequence: Int64, airports: AirportIndex = .bundled) {
        guard let flightId = e.flightId else { return nil }
        self.flightId = flightId
        phase = e.data["airborne"]?.boolValue == true ? .airborne : .ground
        lastEvent = e.type
        lastHeadline = ""
        lastAt = e.at
        self.sequence = sequence - 1
        merge(e, sequence: sequence, airports: airports)
    }

    /// Folds `e` in when it is newer than the card (its sequence is higher); returns whether it was.
    @discardableResult
    public mutating func merge(_ e: FlightEvent, sequence: Int64, airports: AirportIndex = .bundled) -> Bool {
        guard sequence > self.sequence, e.flightId == flightId else { return false }
        self.sequence = sequence
        let d = e.data
        callsign = e.callsign ?? callsign
        pilot = e.username ?? pilot
        server = e.server?.name ?? server
        aircraft = d["aircraftName"]?.stringValue ?? aircraft
        altitude = d["altitude"]?.doubleValue ?? altitude
        groundSpeed = d["groundSpeed"]?.doubleValue ?? groundSpeed
        lastEvent = e.type
        lastHeadline = EventText.headline(e, airports: airports)
        lastAt = e.at
        if e.type != .diverted { origin = d["origin"]?.stringValue ?? origin }
        destination = d["destination"]?.stringValue ?? destination
        // Final, except that the pilot report after going offline says how the flight ended.
        guard !phase.isFinal || (phase == .offline && e.type == .flightCompleted) else { return true }
        switch e.type {
        case .flightOnline:
            phase = d["airborne"]?.boolValue == true ? .airborne : .ground
            airport = e.airport
        case .takeoff:
            phase = .airborne
            airport = e.airport
            if origin == nil { origin = e.airport }
        case .approaching:
            phase = .approaching
            airport = e.airport
        case .landing:
            phase = d["touchAndGo"]?.boolValue == true ? .airborne : .landed
            airport = e.airport
            touchdownRate = d["touchdownRate"]?.doubleValue ?? touchdownRate
        case .flightOffline:
            phase = .offline
            airport = e.airport ?? (d["airborne"]?.boolValue == true ? nil : airport)
        case .flightCompleted:
            phase = d["outcome"]?.stringValue == "disconnected" ? .disconnected : .completed
            airport = d["arrivalAirport"]?.stringValue ?? airport
            touchdownRate = d["touchdownRate"]?.doubleValue ?? touchdownRate
        default:
            break
        }
        return true
    }

    /// The phase as a channel reads it, e.g. "Landed at Boston Logan (KBOS), −182 fpm".
    public func phaseText(airports: AirportIndex = .bundled) -> String {
        let at = EventText.airport(airport, airports: airports)
        switch phase {
        case .ground: return at.map { "On the ground at \($0)" } ?? "On the ground"
        case .airborne: return "In the air"
        case .approaching: return "Approaching " + (at ?? "its destination")
        case .landed:
            let rate = touchdownRate.map { ", \(Int($0.rounded())) fpm" } ?? ""
            return (at.map { "Landed at \($0)" } ?? "Landed") + rate
        case .offline: return "Went offline" + (at.map { " at \($0)" } ?? "")
        case .completed: return "Arrived" + (at.map { " at \($0)" } ?? "")
        case .disconnected: return "Disconnected in the air"
        }
    }
}
