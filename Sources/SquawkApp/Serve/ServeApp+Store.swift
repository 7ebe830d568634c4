import Foundation
import Logging
import SquawkPostgres
import SquawkSQLite
import SquawkStore

extension ServeApp {
    /// Opens the store `store.url` names: a `postgres://` URL is a ``PostgresStore`` (nothing
    /// connects until the app runs; several instances may share the database), anything else a
    /// SQLite file (created with its directory). Errors name `store.url` and never echo a password.
    static func openStore(_ configuration: SquawkConfiguration, logger: Logger) throws -> any StoreBackend {
        if configuration.usesPostgres {
            let url: PostgresURL
            do { url = try PostgresURL(configuration.storeURL) } catch let error as StoreError {
                throw ConfigurationError(key: "store.url", "store.url: \(error.message)")
            }
            // The dispatcher keeps up to 3 batches in flight; the API, poller and janitor share the rest.
            return PostgresStore(url: url, maximumConnections: 20, logger: logger)
        }
        guard let path = configuration.sqlitePath else {
            // The URL is not echoed: a database URL can carry a password.
            throw ConfigurationError(key: "store.url", "store.url: neither a SQLite path (a file path or sqlite:PATH) nor a postgres:// URL")
        }
        do {
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError(key: "store.url", "store.url: cannot create \(configuration.dataDirectory): \(error.localizedDescription)")
        }
        do { return try SQLiteStore(path: path) } catch {
            throw ConfigurationError(key: "store.url", "store.url: cannot open \(path): \(error)")
        }
    }
}
