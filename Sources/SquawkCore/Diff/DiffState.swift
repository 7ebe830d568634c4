import Foundation

/// The diff engine's memory of one server: small, serialisable (it may be persisted; raw
/// snapshots are not, ../shared/FACTS.md) and a plain value.
///
/// - per flight a ``FlightTrack`` in a ``FlightTable`` (320 bytes inline, about 1.2–1.6 KB
///   resident with its table slot and strings, ~530 bytes as JSON; `squawk bench diff`
///   measures it): phase and hysteresis, last sample essentials, airport, plan fingerprint and
///   destination, pilot state, missed-sample count, event sequence;
/// - per open ATC frequency a ``FrequencyTrack`` (≈ 100 bytes);
/// - per polled airport a fingerprint and the letter of the last ATIS (not its text);
/// - the next event sequence of vanished flights and frequencies, for
///   ``DiffConfiguration/retiredRetention`` (so an id coming back never repeats an event id).
///
/// Use one state per server; feed it that server's snapshots in time order through
/// ``SnapshotDiffer``.
public struct DiffState: Sendable, Codable, Hashable {
    /// `takenAt` of the last snapshot applied; `nil` before the first (the seeding one).
    public internal(set) var lastSnapshotAt: Date?
    var flights = FlightTable()
    var frequencies: [String: FrequencyTrack] = [:]
    /// Whether an ATC list has been seen (the first one seeds, announcing nothing).
    var atcSeeded = false
    var atis: [String: ATISTrack] = [:]
    /// Next event sequence of vanished subjects (flight or frequency ids).
    var retired: [String: RetiredSubject] = [:]
    var lastPrunedAt: Date?
    /// Snapshots applied since the state was last seeded (saturating): a flight first seen within
    /// ``DiffConfiguration/offlineGraceSamples`` of the seeding may have been in a list gap then.
    var sinceSeed: UInt8 = .max

    public init() {}

    // MARK: - Codable (flights by id, as a JSON object)

    enum CodingKeys: String, CodingKey {
        case lastSnapshotAt, flights, frequencies, atcSeeded, atis, retired, lastPrunedAt, sinceSeed
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lastSnapshotAt = try c.decodeIfPresent(Date.self, forKey: .lastSnapshotAt)
        let byId = try c.decode([String: FlightTrack].self, forKey: .flights)
        flights.reserveCapacity(byId.count)
        for (id, track) in byId.sorted(by: { $0.key < $1.key }) { flights.insert(track, id: id) }
        frequencies = try c.decode([String: FrequencyTrack].self, forKey: .frequencies)
        atcSeeded = try c.decode(Bool.self, forKey: .atcSeeded)
        atis = try c.decode([String: ATISTrack].self, forKey: .atis)
        retired = try c.decode([String: RetiredSubject].self, forKey: .retired)
        lastPrunedAt = try c.decodeIfPresent(Date.self, forKey: .lastPrunedAt)
        sinceSeed = try c.decodeIfPresent(UInt8.self, forKey: .sinceSeed) ?? .max
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(lastSnapshotAt, forKey: .lastSnapshotAt)
        var byId: [String: FlightTrack] = [:]
        byId.reserveCapacity(flights.count)
        for (id, track) in zip(flights.ids, flights.tracks) { byId[id] = track }
        try c.encode(byId, forKey: .flights)
        try c.encode(frequencies, forKey: .frequencies)
        try c.encode(atcSeeded, forKey: .atcSeeded)
        try c.encode(atis, forKey: .atis)
        try c.encode(retired, forKey: .retired)
        try c.encodeIfPresent(lastPrunedAt, forKey: .lastPrunedAt)
        try c.encode(sinceSeed, forKey: .sinceSeed)
    }

    // MARK: - Inspection

    /// Number of flights tracked (including those within their offline grace).
    public var flightCount: Int { flights.count }

    /// The phase the engine believes a flight is in.
    public func phase(ofFlight flightId: String) -> DetectedPhase? { flights[flightId]?.phase }

    /// The airport a flight is at or last left, as the engine resolved it.
    public func airport(ofFlight flightId: String) -> String? { flights[flightId]?.airport }

    /// Ids of the ATC frequencies the engine believes open, sorted.
    public var openFrequencyIds: [String] { frequencies.keys.sorted() }

    /// Inline size and stride of one flight's track, bytes (for benchmarks and docs).
    public static var trackLayout: (size: Int, stride: Int) {
        (MemoryLayout<FlightTrack>.size, MemoryLayout<FlightTrack>.stride)
    }
}

/// What the differ remembers of an open ATC frequency (for its `atc.closed` event).
struct FrequencyTrack: Sendable, Codable, Hashable {
    var userId: String
    var username: String?
    var airport: String?
    var type: Int
    var latitude: Float
    var longitude: Float
    var openedAt: Date
    var seenAt: Date
    var missed: UInt8 = 0
    var missedSince: Date?
    var sequence: UInt32
}

/// What the differ keeps of the last ATIS polled at one airport: a fingerprint of the text
/// (the text itself is upstream data, not to be persisted) and its letter.
struct ATISTrack: Sendable, Codable, Hashable {
    /// ``StableHasher`` fingerprint of the text; `nil` when the airport had no ATIS.
    var fingerprint: UInt64?
    var letter: String?
    var polledAt: Date
    var sequence: UInt32 = 0
}

/// The next event sequence of a flight or frequency that has gone.
struct RetiredSubject: Sendable, Codable, Hashable {
    var sequence: UInt32
    var at: Date
}
