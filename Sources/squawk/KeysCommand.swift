import ArgumentParser
import SquawkApp

/// `squawk keys create|list|revoke`: manage the API keys that `/v1` accepts. No logic here:
/// see ``KeyAdmin``.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys (stored hashed; a new key is shown once).",
        subcommands: [Create.self, List.self, Revoke.self])

    /// Options every `keys` subcommand takes.
    struct DatabaseOptions: ParsableArguments {
        @Option(name: .customLong("db"), help: "SQLite database file (its directory is created if missing).")
        var path = KeyAdmin.defaultDatabasePath
    }

    /// `squawk keys create --name NAME`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it once.")
        @Option(help: "A name to recognise the key by (1–100 characters).") var name: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let created = try await KeyAdmin.open(databasePath: database.path).create(name: name)
            Console.line("created \(created.record.id) (\(created.record.name))")
            Console.line("API key (shown once, store it now): \(created.key)")
        }
    }

    /// `squawk keys list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never the keys themselves).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            Console.line(KeyAdmin.table(try await KeyAdmin.open(databasePath: database.path).list()))
        }
    }

    /// `squawk keys revoke ID`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by id; it stops working at once.")
        @Argument(help: "The key id (key_…), as `squawk keys list` shows it.") var id: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await KeyAdmin.open(databasePath: database.path).revoke(id: id)
            Console.line("revoked \(id)")
        }
    }
}
