import ArgumentParser
import SquawkApp

/// The `squawk` command. Subcommands only parse arguments and call into SquawkApp; no logic here.
@main
struct Squawk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "squawk",
        abstract: "Infinite Flight Live API → flight-status webhooks.",
        version: SquawkApp.version,
        subcommands: [ServeCommand.self, ConfigCommand.self, SimulateCommand.self, RecordCommand.self, ReceiveCommand.self, KeysCommand.self, SecretsCommand.self, BenchCommand.self]
    )

    /// ArgumentParser's own entry point, after the process-wide settings.
    static func main() async {
        SquawkApp.prepareProcess()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
