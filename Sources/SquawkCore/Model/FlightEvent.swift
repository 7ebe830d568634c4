import Crypto
import Foundation

/// The event types Squawk emits. The raw values are part of the public contract.
public enum EventType: String, Sendable, Hashable, Codable, CaseIterable {
    case flightOnline = "flight.online"
    case flightOffline = "flight.offline"
    case takeoff = "flight.takeoff"
    case landing = "flight.landing"
    case planFiled = "flight.plan_filed"
    case planChanged = "flight.plan_changed"
    case diverted = "flight.diverted"
    case approaching = "flight.approaching"
    case pilotState = "flight.pilot_state"
    /// One summary when a flight ends (a pilot report): see `SnapshotDiffer+Flights.swift`.
    case flightCompleted = "flight.completed"
    case atcOpened = "atc.opened"
    case atcClosed = "atc.closed"
    case atisChanged = "atis.changed"
    case subscriptionTest = "subscription.test"
    /// FLS (gliding-club flight log) leg events; see `FLSDiffer` for when each is raised.
    case flsTakeoff = "fls.takeoff"
    case flsLanding = "fls.landing"
    case flsMightHaveStarted = "fls.might_have_started"
    case flsMightHaveLanded = "fls.might_have_landed"
    case flsCorrected = "fls.corrected"
    case flsStateChanged = "fls.state_changed"

    /// The FLS source's event types.
    public static let fls: Set<EventType> = [.flsTakeoff, .flsLanding, .flsMightHaveStarted, .flsMightHaveLanded, .flsCorrected, .flsStateChanged]

    /// Whether the event comes from an FLS flight log rather than the Live API.
    public var isFLS: Bool { rawValue.hasPrefix("fls.") }
}

/// One change Squawk detected. Subject fields say *who* (flight, user, airport, frequency) so the
/// matcher can route it; `data` carries the type-specific details (see each producer's docs).
public struct FlightEvent: Sendable, Hashable, Codable {
    /// Deterministic: the same history replayed gives the same id (see ``EventID``).
    public var id: String
    public var type: EventType
    /// When it happened, on the diff's clock (the snapshot's `takenAt`).
    public var at: Date
    public var server: ServerRef?
    public var flightId: String?
    public var userId: String?
    public var username: String?
    public var callsign: String?
    public var virtualOrganization: String?
    /// ICAO of the airport the event is about (takeoff/landing airport, ATC/ATIS airport,
    /// destination for plan events), when known.
    public var airport: String?
    public var frequencyId: String?
    public var data: [String: JSONValue]

    public init(
        id: String, type: EventType, at: Date, server: ServerRef? = nil, flightId: String? = nil,
        userId: String? = nil, username: String? = nil, callsign: String? = nil,
        virtualOrganization: String? = nil, airport: String? = nil, frequencyId: String? = nil,
        data: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.type = type
        self.at = at
        self.server = server
        self.flightId = flightId
        self.userId = userId
        self.username = username
        self.callsign = callsign
        self.virtualOrganization = virtualOrganization
        self.airport = airport
        self.frequencyId = frequencyId
        self.data = data
    }
}

/// Deterministic event ids: `evt_` + 26 lowercase base-32 characters of
/// SHA-256(subject, type, sequence). Replaying the same history yields the same ids, which is
/// what lets the delivery layer and receivers dedupe.
public enum EventID {
    public static func make(subject: String, type: EventType, sequence: Int) -> String {
        let digest = SHA256.hash(data: Array("\(subject)|\(type.rawValue)|\(sequence)".utf8))
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
        var out = [UInt8]("evt_".utf8)
        var acc: UInt32 = 0
        var bits = 0
        for byte in digest {
            acc = (acc << 8) | UInt32(byte)
            bits += 8
            while bits >= 5, out.count < 30 {
                bits -= 5
                out.append(alphabet[Int((acc >> UInt32(bits)) & 31)])
            }
            if out.count >= 30 { break }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
