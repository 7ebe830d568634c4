import ArgumentParser
import Foundation
import Logging
import SquawkApp

/// `squawk serve`: the service. Parses flags only; see ``ServeApp`` and ``SquawkConfiguration``.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run Squawk: the REST API, the poller and the webhook dispatcher.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try options.load()
        let logger = AppLogging.bootstrap(configuration)
        let app = try ServeApp.build(configuration, logger: logger)
        try await app.run(logger: logger) { Console.line($0) }
    }
}

/// The flags every configuration-reading command takes; each names the key it sets.
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "TOML configuration file (default: config/squawk.toml when present).")
    var file: String?
    @Option(help: "server.host") var host: String?
    @Option(help: "server.port") var port: Int?
    @Option(name: .customLong("db"), help: "store.url (SQLite file)") var database: String?
    @Option(name: .customLong("live-api-key"), help: "liveapi.key (prefer SQUAWK_LIVEAPI_KEY: flags show in `ps`)") var liveAPIKey: String?
    @Option(name: .customLong("set"), help: "Any key: --set delivery.concurrency=64 (repeatable).") var assignments: [String] = []

    func load() throws -> SquawkConfiguration { try loadWithSources().configuration }

    /// The configuration and where each key's value came from.
    func loadWithSources() throws -> SquawkConfiguration.Loaded {
        do {
            var flags: [(String, String)] = []
            if let host { flags.append(("server.host", host)) }
            if let port { flags.append(("server.port", String(port))) }
            if let database { flags.append(("store.url", database)) }
            if let liveAPIKey { flags.append(("liveapi.key", liveAPIKey)) }
            for a in assignments {
                guard let eq = a.firstIndex(of: "=") else { throw ValidationError("--set expects key=value, got '\(a)'") }
                flags.append((String(a[..<eq]), String(a[a.index(after: eq)...])))
            }
            return try SquawkConfiguration.loadWithSources(file: file, environment: ProcessInfo.processInfo.environment, flags: flags)
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error.message)")
        }
    }
}
