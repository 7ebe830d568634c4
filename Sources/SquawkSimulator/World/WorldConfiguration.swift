import Foundation
import SquawkCore

// MARK: - WorldConfiguration

/// Everything that decides a ``World``: the same configuration always gives the same world,
/// second by second.
public struct WorldConfiguration: Sendable {
    /// Seed of every random draw in the world.
    public var seed: UInt64
    /// Steady-state number of flights on each server (the world spawns to keep near it).
    public var flightsPerServer: Int
    /// The servers (sessions). Default: Casual, Training and Expert with UUIDs derived from the seed.
    public var servers: [ServerRef]
    /// The sim epoch: the world's clock starts here and advances in whole seconds.
    public var start: Date
    /// Airport positions and elevations. Random flights use the curated busy airports found in
    /// it; scenarios may name any airport it holds.
    public var airports: AirportIndex
    /// Which raw `type` numbers ATC frequencies get.
    public var frequencyTable: FrequencyTypeTable = .seeds
    /// Scripted happenings, run alongside (or, with `flightsPerServer == 0`, instead of) the
    /// random world.
    public var scenario: Scenario?
    /// Short gaps in the flights list (``ListGaps``), for random flights only (scripted ones
    /// follow their script exactly); `nil`: every flight is listed in every snapshot.
    public var listGaps: ListGaps? = .typical

    /// A configuration; `servers: nil` means the three default servers for `seed`.
    public init(
        seed: UInt64 = 1,
        flightsPerServer: Int = 250,
        servers: [ServerRef]? = nil,
        start: Date = WorldConfiguration.defaultStart,
        airports: AirportIndex = .bundled,
        frequencyTable: FrequencyTypeTable = .seeds,
        scenario: Scenario? = nil
    ) {
        self.seed = seed
        self.flightsPerServer = flightsPerServer
        self.servers = servers ?? WorldConfiguration.defaultServers(seed: seed)
        self.start = start
        self.airports = airports
        self.frequencyTable = frequencyTable
        self.scenario = scenario
    }

    /// 2024-06-01T12:00:00Z: a fixed epoch for tests and benchmarks (the CLI passes "now").
    public static let defaultStart = Date(timeIntervalSince1970: 1_717_243_200)

    /// Casual, Training and Expert servers with ids derived from `seed`.
    public static func defaultServers(seed: UInt64) -> [ServerRef] {
        ["Casual Server", "Training Server", "Expert Server"].enumerated().map { i, name in
            var rng = SimRandom(seed: SimRandom.mix(seed, 0x5E55_1011, UInt64(i)))
            return ServerRef(id: rng.uuid(), name: name)
        }
    }
}
