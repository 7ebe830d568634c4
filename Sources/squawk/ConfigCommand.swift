import ArgumentParser
import SquawkApp

/// `squawk config check|example`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check or print the configuration.", subcommands: [Check.self, Example.self])

    /// Prints the effective configuration (secrets masked) and the polling plan; exits 1 on a bad key.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the effective configuration (secrets masked) and the polling plan.")
        @OptionGroup var options: ConfigOptions
        func run() async throws {
            let loaded = try options.loadWithSources()
            for line in ConfigReport.lines(loaded.configuration, sources: loaded.sources) { Console.line(line) }
        }
    }

    /// Prints the documented example file (what config/squawk.example.toml holds).
    struct Example: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an example file documenting every key and its default.")
        func run() async throws { print(SquawkConfiguration.exampleTOML(), terminator: "") }
    }
}
