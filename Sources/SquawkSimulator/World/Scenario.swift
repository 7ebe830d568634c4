import Foundation

// MARK: - Scenario

/// Scripted happenings for precise tests: flights with fixed times and ATC openings/closings.
/// Times are seconds after the world's `start`. Every scripted happening appears in truth at
/// exactly its time (whole seconds).
///
/// ```json
/// {
///   "flights": [
///     { "callsign": "BAW304", "origin": "EGLL", "spawnAt": 0, "takeoffAt": 60,
///       "destination": "LFPG", "landAt": 3600 }
///   ],
///   "atc": [ { "airport": "KLAX", "type": "tower", "opensAt": 30, "closesAt": 1800 } ]
/// }
/// ```
public struct Scenario: Sendable, Codable, Hashable {
    public var flights: [Flight]
    public var atc: [ATC]

    public init(flights: [Flight] = [], atc: [ATC] = []) {
        self.flights = flights
        self.atc = atc
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        flights = try c.decodeIfPresent([Flight].self, forKey: .flights) ?? []
        atc = try c.decodeIfPresent([ATC].self, forKey: .atc) ?? []
    }

    /// Reads a scenario file.
    public static func load(from url: URL) throws -> Scenario {
        try JSONDecoder().decode(Scenario.self, from: Data(contentsOf: url))
    }

    // MARK: - Flight

    /// One scripted flight. It spawns parked at `origin`, taxis, lifts off at `takeoffAt`, flies
    /// a great circle and touches down at `destination` at `landAt`, then rolls out, taxis in and
    /// leaves at `despawnAt` (default `landAt + 300`). Without `takeoffAt` it stays parked.
    public struct Flight: Sendable, Codable, Hashable {
        public var callsign: String
        /// Server name (`"Expert Server"`, or just `"Expert"`) or id; default: the first server.
        public var server: String?
        public var username: String?
        public var virtualOrganization: String?
        /// Aircraft name from the catalog (e.g. `"Airbus A320"`); default A320.
        public var aircraft: String?
        /// Fixed flight id (a UUID string); default derived from the seed.
        public var flightId: String?
        public var origin: String
        public var spawnAt: Int
        public var takeoffAt: Int?
        public var destination: String?
        public var landAt: Int?
        /// Touchdown vertical speed, ft/min (negative); default −180.
        public var touchdownRate: Double?
        /// When the flight plan (origin → `plannedDestination ?? destination`) is filed; default
        /// at spawn when a destination is given. `-1` files none.
        public var planFiledAt: Int?
        /// The destination the plan names before a diversion (default: `destination`).
        public var plannedDestination: String?
        /// When the plan's destination changes to `destination` (while airborne).
        public var divertAt: Int?
        /// Disconnects at this time (airborne or not); nothing after it happens.
        public var disconnectAt: Int?
        /// Leaves the server (parked) at this time; default `landAt + 300`, or `spawnAt + 1800`.
        public var despawnAt: Int?
        /// Away/background episodes.
        public var pilotStates: [PilotStateEpisode]?

        public init(
            callsign: String, server: String? = nil, username: String? = nil, virtualOrganization: String? = nil,
            aircraft: String? = nil, flightId: String? = nil, origin: String, spawnAt: Int, takeoffAt: Int? = nil,
            destination: String? = nil, landAt: Int? = nil, touchdownRate: Double? = nil, planFiledAt: Int? = nil,
            plannedDestination: String? = nil, divertAt: Int? = nil, disconnectAt: Int? = nil,
            despawnAt: Int? = nil, pilotStates: [PilotStateEpisode]? = nil
        ) {
            self.callsign = callsign
            self.server = server
            self.username = username
            self.virtualOrganization = virtualOrganization
            self.aircraft = aircraft
            self.flightId = flightId
            self.origin = origin
            self.spawnAt = spawnAt
            self.takeoffAt = takeoffAt
            self.destination = destination
            self.landAt = landAt
            self.touchdownRate = touchdownRate
            self.planFiledAt = planFiledAt
            self.plannedDestination = plannedDestination
            self.divertAt = divertAt
            self.disconnectAt = disconnectAt
            self.despawnAt = despawnAt
            self.pilotStates = pilotStates
        }
    }

    /// A pilot-state episode of a scripted flight: `state` (1 away in flight, 2 away parked,
    /// 3 background) from `from` to `to` seconds. Reported values freeze meanwhile.
    public struct PilotStateEpisode: Sendable, Codable, Hashable {
        public var state: Int
        public var from: Int
        public var to: Int
        public init(state: Int, from: Int, to: Int) {
            self.state = state
            self.from = from
            self.to = to
        }
    }

    // MARK: - ATC

    /// One scripted ATC frequency. `type` is a kind name (`"ground"`, `"tower"`, `"approach"`,
    /// `"departure"`, `"clearance"`, `"center"`, `"atis"`, …) or a raw number.
    public struct ATC: Sendable, Codable, Hashable {
        /// ICAO; `null` for a center frequency (then `latitude`/`longitude` place it).
        public var airport: String?
        public var type: FrequencyTypeName
        public var opensAt: Int
        public var closesAt: Int?
        public var username: String?
        public var server: String?
        public var frequencyId: String?
        public var latitude: Double?
        public var longitude: Double?

        public init(
            airport: String?, type: FrequencyTypeName, opensAt: Int, closesAt: Int? = nil, username: String? = nil,
            server: String? = nil, frequencyId: String? = nil, latitude: Double? = nil, longitude: Double? = nil
        ) {
            self.airport = airport
            self.type = type
            self.opensAt = opensAt
            self.closesAt = closesAt
            self.username = username
            self.server = server
            self.frequencyId = frequencyId
            self.latitude = latitude
            self.longitude = longitude
        }
    }

    /// A frequency type written as a kind name or as the raw Live API number.
    public enum FrequencyTypeName: Sendable, Codable, Hashable {
        case name(String)
        case raw(Int)

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Int.self) { self = .raw(n) } else { self = .name(try c.decode(String.self)) }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .name(let s): try c.encode(s)
            case .raw(let n): try c.encode(n)
            }
        }
    }
}
