import Foundation
import Logging
import SquawkPostgres
import SquawkStore
import Testing

/// The database the PostgreSQL suites run against: `SQUAWK_TEST_POSTGRES_URL` (set by `.ci/run`
/// through `scripts/pg-test-cluster.sh`). Without it the suites are skipped, saying why.
enum PostgresTestDatabase {
    static let url: String? = ProcessInfo.processInfo.environment["SQUAWK_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether the suites run; the trait's comment is the reason shown when they do not.
    static let available = ConditionTrait.enabled(if: url != nil, "SQUAWK_TEST_POSTGRES_URL is not set (scripts/pg-test-cluster.sh sets it)")

    /// The URL with its `schema` option set to `schema`.
    static func url(schema: String) throws -> PostgresURL {
        var parsed = try PostgresURL(try #require(url))
        parsed.schema = schema
        return parsed
    }

    /// Quiet: the suites assert on results, not on the pool's chatter.
    static var logger: Logger {
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .error
        return logger
    }

    /// A new, unique schema name (`squawk_test_…`).
    static func freshSchema() -> String {
        "squawk_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
    }

    /// Runs `body` with a migrated store on a fresh schema of its own, then drops the schema.
    static func withStore<T: Sendable>(maximumConnections: Int = 8, _ body: @Sendable (PostgresStore) async throws -> T) async throws -> T {
        let schema = freshSchema()
        let store = PostgresStore(url: try url(schema: schema), maximumConnections: maximumConnections, logger: logger)
        do {
            let value = try await store.withRunning { try await body(store) }
            try await dropSchema(schema)
            return value
        } catch {
            try? await dropSchema(schema)
            throw error
        }
    }

    /// Drops a test schema and everything in it.
    static func dropSchema(_ schema: String) async throws {
        let admin = PostgresStore(url: try PostgresURL(try #require(url)), maximumConnections: 2, logger: logger)
        try await admin.withRunningUnmigrated { try await admin.execute(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE") }
    }
}
