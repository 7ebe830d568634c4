import ArgumentParser
import SquawkApp
import SquawkServer

/// `squawk keys create|list|revoke`: manage the API keys that `/v1` accepts, in the store the
/// configuration names (`store.url` / `SQUAWK_STORE_URL` / `--db`: SQLite or PostgreSQL), opened
/// through the same ``Composition`` as `squawk serve`. No logic here: see ``KeyAdmin``.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys (stored hashed; a new key is shown once).",
        subcommands: [Create.self, List.self, Revoke.self])

    /// Runs `body` on the configured store's keys; configuration errors become usage errors.
    static func withKeys<T: Sendable>(_ options: ConfigOptions, _ body: @Sendable (KeyAdmin) async throws -> T) async throws -> T {
        let composition = Composition.bootstrap(try options.load())
        do {
            return try await composition.withKeyAdmin(body)
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error.message)")
        }
    }

    /// `squawk keys create --name NAME`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it once.")
        @Option(help: "A name to recognise the key by (1–100 characters).") var name: String
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let created = try await KeysCommand.withKeys(options) { [name] in try await $0.create(name: name) }
            Console.line("created \(created.record.id) (\(created.record.name))")
            Console.line("API key (shown once, store it now): \(created.key)")
        }
    }

    /// `squawk keys list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never the keys themselves).")
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            Console.line(KeyAdmin.table(try await KeysCommand.withKeys(options) { try await $0.list() }))
        }
    }

    /// `squawk keys revoke ID`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by id; it stops working at once.")
        @Argument(help: "The key id (key_…), as `squawk keys list` shows it.") var id: String
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await KeysCommand.withKeys(options) { [id] in try await $0.revoke(id: id) }
            Console.line("revoked \(id)")
        }
    }
}
