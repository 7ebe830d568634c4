import Foundation
import Logging
import SquawkCore
import SquawkServer
import SquawkPostgres
import SquawkSQLite
import SquawkStore

/// The composition root: the one place that turns a ``SquawkConfiguration`` into the parts every
/// command runs on — the store `store.url` names (SQLite or PostgreSQL) and the logger. `serve`,
/// `keys` and `config check` all start here, so a command cannot open a different database than
/// the service it administers.
public struct Composition: Sendable {
    public let configuration: SquawkConfiguration
    public let logger: Logger

    public init(configuration: SquawkConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Loads nothing itself: bootstraps logging from the configuration (once per process).
    public static func bootstrap(_ configuration: SquawkConfiguration) -> Composition {
        Composition(configuration: configuration, logger: AppLogging.bootstrap(configuration))
    }

    /// Opens the store `store.url` names: a `postgres://` URL is a ``PostgresStore`` (nothing
    /// connects until it runs; several instances may share the database), anything else a
    /// SQLite file (created with its directory). Errors name `store.url` and never echo a password.
    public func openStore() throws -> any StoreBackend {
        if configuration.usesPostgres {
            let url: PostgresURL
            do { url = try PostgresURL(configuration.storeURL) } catch let error as StoreError {
                throw ConfigurationError(key: "store.url", "store.url: \(error.message)")
            }
            // The dispatcher keeps up to 3 batches in flight; the API, poller and janitor share the rest.
            return PostgresStore(url: url, maximumConnections: 20, logger: logger, sealer: try sealer())
        }
        guard let path = configuration.sqlitePath else {
            // The URL is not echoed: a database URL can carry a password.
            throw ConfigurationError(key: "store.url", "store.url: neither a SQLite path (a file path or sqlite:PATH) nor a postgres:// URL")
        }
        let directory = configuration.dataDirectory
        do {
            // Owner only (0700): the database holds webhook secrets. An existing directory keeps
            // the mode the operator gave it.
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConfigurationError(key: "store.url", "store.url: cannot create \(directory): \(error.localizedDescription)")
        }
        let sealer = try self.sealer()
        do { return try SQLiteStore(path: path, sealer: sealer) } catch {
            throw ConfigurationError(key: "store.url", "store.url: cannot open \(path): \(error)")
        }
    }

    /// The webhook-secret key `secrets.key` names (nil: secrets stored as issued).
    public func sealer() throws -> SecretSealer? {
        guard !configuration.secretsKey.isEmpty else { return nil }
        do { return try SecretSealer(base64Key: configuration.secretsKey) } catch {
            throw ConfigurationError(key: "secrets.key", "secrets.key: \(error.description)")
        }
    }

    /// Runs `body` with the configured store open and migrated (a PostgreSQL pool runs around
    /// it and stops after): what the one-shot administration commands use.
    public func withStore<T: Sendable>(_ body: @Sendable (any StoreBackend) async throws -> T) async throws -> T {
        let store = try openStore()
        return try await store.withRunning { try await body(store) }
    }

    /// `squawk keys` over the configured store.
    public func withKeyAdmin<T: Sendable>(_ body: @Sendable (KeyAdmin) async throws -> T) async throws -> T {
        try await withStore { store in try await body(KeyAdmin(store: store)) }
    }
}
