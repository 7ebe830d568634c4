import Foundation
import SquawkCore

// MARK: - World

/// A deterministic synthetic Infinite Flight: servers full of flights that spawn parked at real
/// airports, taxi, take off, fly, divert, disconnect, do touch-and-goes, land and leave; ATC
/// frequencies that open and close; ATIS letters that change — and a log of the truth.
///
/// The world keeps its own clock: it starts at `configuration.start` and moves only through
/// ``advance(to:)``, in fixed one-second steps, so the same seed gives the same world whatever
/// the sequence of `advance` calls. It never reads the system clock or a system random source.
///
/// Not `Sendable`: wrap it in a lock or an actor to share it (``SimulatorHost`` does).
public final class World {
    // MARK: State

    let config: WorldConfiguration
    /// The curated airports random flights use, and their weights.
    let airports: [AirportGeo]
    let airportWeights: [Double]
    /// Airports where random ATC opens.
    let atcAirports: [AirportGeo]
    var servers: [ServerWorld]
    /// Seconds since `config.start`.
    var tick = 0
    var truthLog: [TruthEvent] = []
    var users: [String: SimUser] = [:]
    var scenario = ScenarioQueue()
    /// Airports whose ATIS the snapshot reports (with `nil` when there is none).
    var atisWatch: [String] = []
    /// Problems found in the scenario (unknown airports, impossible times); those parts are skipped.
    public private(set) var scenarioWarnings: [String] = []

    /// The world's current time (`start` + whole seconds).
    public var now: Date { config.start.addingTimeInterval(Double(tick)) }

    /// The configuration the world was built from.
    public var configuration: WorldConfiguration { config }

    /// Builds the world at `config.start`: initial population, open ATC and scenario happenings of second 0 (all in truth).
    public init(_ config: WorldConfiguration) {
        self.config = config
        let curated = CuratedAirports.resolve(in: config.airports).map(AirportGeo.init)
        airports = curated
        airportWeights = curated.map { CuratedAirports.weight($0.icao) }
        atcAirports = curated.filter { CuratedAirports.hubs.contains($0.icao) }
        servers = config.servers.enumerated().map { i, ref in
            ServerWorld(ref: ref, index: i, rng: SimRandom(seed: SimRandom.mix(config.seed, 0xA11CE, UInt64(i))))
        }
        var watch = Set(atcAirports.map(\.icao))
        for atc in config.scenario?.atc ?? [] { if let icao = atc.airport?.uppercased() { watch.insert(icao) } }
        atisWatch = watch.sorted()
        scenario = buildScenario()
        populate()
    }

    // MARK: - Public API

    /// Advances the world in fixed one-second steps up to `time` (no-op for times not after `now`).
    public func advance(to time: Date) {
        let target = Int((time.timeIntervalSince(config.start)).rounded(.down))
        while tick < target { step() }
    }

    /// What the Live API would show for `server` now: flights (frozen while pilotState is 1–3),
    /// every open ATC frequency, every filed flight plan and the ATIS of every watched airport
    /// (`nil` where none is available). Unknown server: an empty snapshot.
    public func snapshot(server: ServerRef) -> Snapshot {
        guard let s = servers.firstIndex(where: { $0.ref.id == server.id }) else {
            return Snapshot(server: server, takenAt: now, flights: [], atc: [])
        }
        let sw = servers[s]
        let date = now
        var plans: [String: FlightPlanSummary] = [:]
        for f in sw.flights where f.filed {
            if let p = f.plan { plans[f.flightId] = p.summary }
        }
        var atis: [String: String?] = [:]
        for icao in atisWatch { atis[icao] = .some(nil) }
        for a in sw.atis { atis[a.icao] = .some(a.text) }
        return Snapshot(
            server: sw.ref, takenAt: date,
            flights: listedFlights(sw).map { $0.report(at: date) },
            atc: sw.frequencies.map { $0.value(start: config.start) },
            flightPlans: plans, atis: atis
        )
    }

    /// The flights of a server that its flights list shows now: all but those in a list gap
    /// (``WorldConfiguration/listGaps``).
    func listedFlights(_ sw: ServerWorld) -> [SimFlight] {
        guard let gaps = config.listGaps else { return sw.flights }
        return sw.flights.filter { f in
            f.script != nil || !gaps.hides(flight: ListGaps.key(f.flightId), second: tick, seed: config.seed)
        }
    }

    /// Every truth event with `at >= since`, in time order.
    public func truth(since: Date) -> [TruthEvent] {
        var lo = 0, hi = truthLog.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if truthLog[mid].at < since { lo = mid + 1 } else { hi = mid }
        }
        return Array(truthLog[lo...])
    }

    /// The servers, in configuration order.
    public var serverRefs: [ServerRef] { servers.map(\.ref) }

    /// Number of flights online on each server now.
    public func flightCount(server: ServerRef) -> Int {
        servers.first { $0.ref.id == server.id }?.flights.count ?? 0
    }

    // MARK: - Stepping

    /// One second of the whole world.
    func step() {
        tick += 1
        let date = now
        for s in servers.indices {
            var events: [TruthEvent] = []
            let ctx = StepContext(tick: tick, date: date, serverId: servers[s].ref.id,
                                  serverName: servers[s].ref.name, airports: airports)
            runScenario(server: s, ctx, events: &events)
            runATC(server: s, ctx, events: &events)
            var i = 0
            while i < servers[s].flights.count {
                if servers[s].flights[i].step(ctx, events: &events) {
                    let gone = servers[s].flights.remove(at: i)
                    logFlight(gone, server: servers[s].ref)
                } else {
                    i += 1
                }
            }
            spawnRandom(server: s, ctx, events: &events)
            truthLog.append(contentsOf: events)
        }
    }

    /// The initial population, ATC and scenario happenings at tick 0.
    func populate() {
        let date = now
        for s in servers.indices {
            var events: [TruthEvent] = []
            let ctx = StepContext(tick: 0, date: date, serverId: servers[s].ref.id,
                                  serverName: servers[s].ref.name, airports: airports)
            makeControllers(server: s)
            if config.flightsPerServer > 0, !airports.isEmpty {
                for _ in 0..<config.flightsPerServer { spawnRandomFlight(server: s, ctx, initial: true, events: &events) }
                openInitialATC(server: s, ctx, events: &events)
            }
            runScenario(server: s, ctx, events: &events)
            truthLog.append(contentsOf: events)
        }
    }

    /// Adds a completed flight to its pilot's logbook.
    func logFlight(_ f: SimFlight, server: ServerRef) {
        guard f.takeoffs > 0 else { return }
        users[f.userId]?.flights.append(SimUser.LoggedFlight(
            id: f.flightId, created: config.start.addingTimeInterval(Double(f.spawnTick)),
            aircraftId: f.aircraft.id, liveryId: f.aircraft.liveryId(f.liveryIndex), callsign: f.callsign,
            server: server.name, minutes: Double(tick - f.spawnTick) / 60, landings: f.landings,
            origin: f.origin.icao, destination: f.landings > 0 ? f.destination.icao : nil
        ))
    }

    /// Records a scenario problem.
    func warn(_ message: String) { scenarioWarnings.append(message) }
}

// MARK: - ServerWorld

/// One server's share of the world.
struct ServerWorld {
    let ref: ServerRef
    let index: Int
    var rng: SimRandom
    var flights: [SimFlight] = []
    var frequencies: [SimFrequency] = []
    /// Sorted by ICAO.
    var atis: [AtisState] = []
    /// Spawned flights so far (seeds each flight's own stream).
    var spawnCounter: UInt64 = 0
    /// Controller user ids.
    var controllers: [String] = []

    init(ref: ServerRef, index: Int, rng: SimRandom) {
        self.ref = ref
        self.index = index
        self.rng = rng
    }
}
