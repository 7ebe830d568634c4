import ArgumentParser
import Foundation
import SquawkApp
import SquawkCore
import SquawkSimulator

/// `squawk simulate`: serve the built-in Live API simulator (a deterministic world, or a replay).
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve a simulated Live API v2 (with ground truth at /_sim/truth).",
        discussion: """
        Serves /public/v2/... with the Live API's paths and shapes, from a world that is the same \
        for the same seed. GET /_sim/truth?since=<unix seconds> lists what really happened; \
        GET /_sim/stats counts requests and 429s. Recordings made by `squawk record` are served \
        back with --replay.
        """
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port = 8_099
    @Option(help: "Seed of the world.") var seed: UInt64 = 1
    @Option(help: "Flights per server (three servers); 0 for a scenario alone.") var flights = 300
    @Option(help: "Sim seconds per wall second.") var timeScale = 1.0
    @Option(help: "The API key the simulator accepts.") var apiKey = SimulatorOptions.defaultAPIKey
    @Option(help: "Requests per minute per key before HTTP 429 (0: no limit).") var rateLimit = 30
    @Option(help: "Scenario file (JSON) of scripted flights and ATC.") var scenario: String?
    @Option(help: "Serve a recording made by `squawk record` instead of a world.") var replay: String?
    @Option(help: "Frequency type numbering: seeds or alternate.") var frequencyTable = "seeds"
    @Option(help: "Added latency per request, milliseconds.") var faultLatency = 0
    @Option(name: .customLong("fault-5xx"), help: "Share of requests answered HTTP 5xx.") var fault5xx = 0.0
    @Option(help: "Share of requests answered with invalid JSON.") var faultMalformed = 0.0
    @Option(help: "Share of requests held for --fault-stall-seconds.") var faultStall = 0.0
    @Option(help: "Flights in the FLS club day served under /fls (0: no FLS).") var flsFlights = 40
    @Option(help: "Mean sim seconds between FLS launches.") var flsLaunchGap = 180.0
    @Option(help: "Sim seconds before the first FLS launch.") var flsFirstLaunch = 120.0
    @Option(help: "FLS login the simulator accepts (user name).") var flsUsername = FLSSimulation.defaultUsername
    @Option(help: "FLS login the simulator accepts (password).") var flsPassword = FLSSimulation.defaultPassword
    @Option(help: "How long a stalled request is held, seconds.") var faultStallSeconds = 120.0

    func run() async throws {
        guard let table = FrequencyTypeTable.named(frequencyTable) else {
            throw ValidationError("--frequency-table must be seeds or alternate")
        }
        let loaded = try scenario.map { try Scenario.load(from: URL(fileURLWithPath: $0)) }
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let world = WorldConfiguration(seed: seed, flightsPerServer: flights, start: start, frequencyTable: table,
                                       scenario: loaded)
        let options = SimulatorOptions(
            apiKey: apiKey, rateLimitPerMinute: rateLimit, timeScale: timeScale,
            faults: FaultOptions(latencyMilliseconds: faultLatency, serverErrorRate: fault5xx, malformedRate: faultMalformed,
                                 stallRate: faultStall, stallSeconds: faultStallSeconds),
            faultSeed: seed
        )
        let fls = flsFlights > 0
            ? FLSSimulation(day: ClubDay(ClubDayConfiguration(seed: seed, start: start, flights: flsFlights, meanLaunchGap: flsLaunchGap,
                                                            firstLaunchAfter: flsFirstLaunch)),
                            username: flsUsername, password: flsPassword)
            : nil
        let config = SimulatorLauncher.Configuration(host: host, port: port, world: world,
                                                     replayDirectory: replay.map { URL(fileURLWithPath: $0) }, options: options, fls: fls)
        let key = apiKey
        let what = replay.map { "replay of \($0)" } ?? "seed \(seed), \(flights) flights per server, time scale \(timeScale)"
        try await SimulatorLauncher.run(config) { url in
            // Written unbuffered, so the URL shows up at once when stdout is a file or a pipe.
            FileHandle.standardOutput.write(Data("""
            Squawk simulator (\(what)) serving \(url)/public/v2 with API key \(key)
              truth: \(url)/_sim/truth?since=0   stats: \(url)/_sim/stats
            \(fls.map { "  FLS club day (\($0.day.flights.count) flights) at \(url)/fls, login \($0.username); truth: \(url)/_sim/fls/truth?since=0\n" } ?? "")
            """.utf8))
        }
    }
}
