import Foundation
import Hummingbird
import Logging
import SquawkCore

// MARK: - SimulatorLauncher

/// Runs the simulator as a standalone HTTP server (`squawk simulate`): builds the world (or
/// loads a replay), serves it on `host:port` and runs until SIGINT/SIGTERM.
public enum SimulatorLauncher {
    /// Everything `squawk simulate` decides.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// The world to serve; ignored when `replayDirectory` is set.
        public var world: WorldConfiguration
        /// Serve this recording instead of a world.
        public var replayDirectory: URL?
        public var options: SimulatorOptions
        /// The FLS club day served under `/fls`, if any.
        public var fls: FLSSimulation?

        public init(host: String = "127.0.0.1", port: Int = 8_099, world: WorldConfiguration,
                    replayDirectory: URL? = nil, options: SimulatorOptions, fls: FLSSimulation? = nil) {
            self.fls = fls
            self.host = host
            self.port = port
            self.world = world
            self.replayDirectory = replayDirectory
            self.options = options
        }
    }

    /// Builds the host for `configuration` (world or replay).
    public static func makeHost(_ configuration: Configuration) throws -> SimulatorHost {
        if let dir = configuration.replayDirectory {
            return SimulatorHost(replay: try ReplayStore(directory: dir), timeScale: configuration.options.timeScale)
        }
        let world = World(configuration.world)
        for warning in world.scenarioWarnings { print("scenario: \(warning)") }
        return SimulatorHost(world: world, timeScale: configuration.options.timeScale)
    }

    /// Serves until the process is asked to stop. `onRunning` gets the base URL once listening.
    public static func run(_ configuration: Configuration, onRunning: @escaping @Sendable (String) -> Void) async throws {
        let server = SimulatorServer(host: try makeHost(configuration), options: configuration.options, fls: configuration.fls)
        var logger = Logger(label: "squawk.simulator")
        logger.logLevel = .warning
        let host = configuration.host
        let app = Application(
            router: server.router(),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "squawk-simulator"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                onRunning("http://\(host):\(port)")
            },
            logger: logger
        )
        try await app.runService()
    }
}
