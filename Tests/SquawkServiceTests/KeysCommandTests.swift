import Foundation
import Logging
import SquawkApp
import SquawkCore
import SquawkPostgres
import SquawkServer
import SquawkSQLite
import SquawkStore
import Testing

/// `squawk keys` goes through the composition root: it manages the keys of the store the
/// configuration names, SQLite or PostgreSQL, the same one `squawk serve` authenticates against.
@Suite("squawk keys on the configured store")
struct KeysCommandTests {
    static var quiet: Logger {
        var logger = Logger(label: "test.keys")
        logger.logLevel = .error
        return logger
    }

    /// Creates two keys, revokes one and lists them through the composition; returns the ids.
    static func exercise(_ composition: Composition) async throws -> (kept: String, revoked: String) {
        let kept = try await composition.withKeyAdmin { try await $0.create(name: "ops") }
        let gone = try await composition.withKeyAdmin { try await $0.create(name: "old bot") }
        try await composition.withKeyAdmin { try await $0.revoke(id: gone.record.id) }
        await #expect(throws: KeyAdminError.self) { try await composition.withKeyAdmin { try await $0.revoke(id: gone.record.id) } }
        let listed = try await composition.withKeyAdmin { try await $0.list() }
        #expect(listed.map(\.id) == [kept.record.id, gone.record.id])
        #expect(listed.map { $0.revokedAt == nil } == [true, false])
        #expect(listed.first?.hash == KeyHash.sha256Hex(kept.key))
        return (kept.record.id, gone.record.id)
    }

    @Test("store.url naming a SQLite file: the keys land in that file")
    func sqlite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = SquawkConfiguration()
        configuration.storeURL = "sqlite:" + directory.appendingPathComponent("nested/keys.sqlite").path
        let ids = try await Self.exercise(Composition(configuration: configuration, logger: Self.quiet))
        let direct = try SQLiteStore(path: directory.appendingPathComponent("nested/keys.sqlite").path)
        #expect(try await direct.listKeys().map(\.id) == [ids.kept, ids.revoked])
    }

    @Test("store.url naming PostgreSQL: the keys land in that database, not in a SQLite file",
          .enabled(if: ProcessInfo.processInfo.environment["SQUAWK_TEST_POSTGRES_URL"].map { !$0.isEmpty } ?? false,
                   "SQUAWK_TEST_POSTGRES_URL is not set (scripts/pg-test-cluster.sh sets it)"))
    func postgres() async throws {
        let base = try #require(ProcessInfo.processInfo.environment["SQUAWK_TEST_POSTGRES_URL"])
        let schema = "squawk_keys_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        var configuration = SquawkConfiguration()
        configuration.storeURL = base + (base.contains("?") ? "&" : "?") + "sslmode=disable&schema=\(schema)"
        let cwdData = FileManager.default.fileExists(atPath: "./data/squawk.sqlite")
        let ids = try await Self.exercise(Composition(configuration: configuration, logger: Self.quiet))
        #expect(FileManager.default.fileExists(atPath: "./data/squawk.sqlite") == cwdData, "a SQLite file was made")
        let direct = PostgresStore(url: try PostgresURL(configuration.storeURL), maximumConnections: 2, logger: Self.quiet)
        let listed = try await direct.withRunning { try await direct.listKeys() }
        #expect(listed.map(\.id) == [ids.kept, ids.revoked])
        let admin = PostgresStore(url: try PostgresURL(configuration.storeURL), maximumConnections: 2, logger: Self.quiet)  // a pool runs once
        try await admin.withRunningUnmigrated { try await admin.execute(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE") }
    }

    @Test("a store.url that is neither SQLite nor PostgreSQL is a configuration error naming the key, without the URL")
    func badURL() async throws {
        var configuration = SquawkConfiguration()
        configuration.storeURL = "mysql://user:hunter2@db/squawk"
        do {
            _ = try await Composition(configuration: configuration, logger: Self.quiet).withKeyAdmin { try await $0.list() }
            Issue.record("opened a mysql:// URL")
        } catch let error as ConfigurationError {
            #expect(error.message.contains("store.url"))
            #expect(!error.message.contains("hunter2"))
        }
    }
}
