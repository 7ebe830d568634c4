import ArgumentParser
import SquawkApp

/// The `squawk` command. Subcommands only parse arguments and call into SquawkApp; no logic here.
@main
struct Squawk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "squawk",
        abstract: "Infinite Flight Live API → flight-status webhooks.",
        version: SquawkApp.version,
        subcommands: [ServeCommand.self, ConfigCommand.self, SimulateCommand.self, RecordCommand.self, ReceiveCommand.self, KeysCommand.self, BenchCommand.self]
    )
}
