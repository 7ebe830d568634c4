import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import SquawkCore
import SquawkStore

/// The PostgreSQL backend of the store protocols, over a PostgresNIO `PostgresClient` (a
/// connection pool). Several Squawk instances may share one database: claims lock rows with
/// `FOR UPDATE SKIP LOCKED` under leases, so dispatchers on every instance share the queue, and
/// ``LeaderElection`` leases let one instance poll each upstream.
///
/// - **Running:** the pool works only while ``run()`` runs (it is a `Service`);
///   ``withRunning(_:)`` runs it around a body, after applying the migrations.
/// - **Schema:** the append-only migrations of ``PostgresMigrations``, applied by ``migrate()``
///   in one transaction holding `pg_advisory_xact_lock`, so instances starting together do not
///   race. The URL's `schema` option puts every table in that schema (created if missing).
/// - **Transactions:** every write runs in one transaction (READ COMMITTED); read-then-write
///   paths lock what they read (`FOR UPDATE`, in key order, so writers do not deadlock). A
///   deadlock or serialization failure the server reports is retried a few times.
/// - **Errors:** everything a method throws is a ``StoreError`` (see
///   ``StoreError/init(postgres:)``); neither values nor the URL's password reach a message.
/// - **Time:** every date comes from the caller; the store never reads the clock.
public final class PostgresStore: Service, StoreLifecycle, Sendable {
    let client: PostgresClient
    let logger: Logger
    /// Where the tables live (nil: the server's `search_path`).
    public let schema: String?
    /// The URL without its password, for logs.
    public let location: String
    /// The same server and credentials for one direct connection: ``migrate()`` tries it first,
    /// so a wrong password or an unreachable server fails at once instead of after the deadline.
    let probeConfiguration: PostgresConnection.Configuration?
    /// Encrypts webhook secrets at rest (`secrets.key`); nil: stored as issued.
    public let sealer: SecretSealer?

    /// A store on the database `url` names (parsed with ``PostgresURL``). Nothing connects until
    /// ``run()``. `maximumConnections` bounds the pool.
    public init(url: PostgresURL, maximumConnections: Int = 20, logger: Logger = Logger(label: "squawk.postgres"),
                sealer: SecretSealer? = nil) {
        self.sealer = sealer
        var configuration: PostgresClient.Configuration
        if let directory = url.socketDirectory {
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(url.port)", username: url.user, password: url.password,
                                  database: url.database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch url.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(.makeClientConfiguration())
            case .require: tls = .require(.makeClientConfiguration())
            }
            configuration = .init(host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        }
        probeConfiguration = Self.probeConfiguration(url)
        configuration.options.maximumConnections = max(2, maximumConnections)
        configuration.options.connectTimeout = .seconds(10)
        var startup = [("application_name", url.applicationName)]
        if let schema = url.schema { startup.append(("search_path", schema)) }
        configuration.options.additionalStartupParameters = startup
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        schema = url.schema
        location = url.redacted
    }

    // MARK: - Lifecycle

    /// Runs the connection pool until cancelled (or graceful shutdown of its service group).
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.client.run() }
    }

    /// Applies the migrations that are missing, then runs `body`, with the pool running around
    /// both; the pool stops when `body` returns or throws.
    public func withRunning<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withRunningUnmigrated {
            try await self.migrate()
            return try await body()
        }
    }

    /// Runs `body` with the pool running, migrating nothing (administration and tests).
    public func withRunningUnmigrated<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await self.client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// Runs one SQL statement in its own transaction (administration and tests; the text is
    /// sent as it is).
    public func execute(unsafeSQL sql: String) async throws {
        try await transaction { conn in
            try await conn.query(PostgresQuery(unsafeSQL: sql), logger: self.logger)
        }
    }

    /// How long ``migrate()`` waits for a first connection before it reports the database unreachable.
    public static let connectDeadline: Duration = .seconds(30)

    /// Applies missing migrations in one transaction holding a transaction-scoped advisory lock
    /// (per schema): an instance starting while another migrates waits for it, then finds nothing
    /// left to do. Needs the pool running.
    public func migrate() async throws {
        let lockKey = "squawk.migrations:" + (schema ?? "")
        try await withDeadline(Self.connectDeadline, "cannot reach PostgreSQL at \(location) within \(Self.connectDeadline)") {
            try await self.probe()
            try await self.transaction { conn in
                try await conn.query("SELECT pg_advisory_xact_lock(hashtext(\(lockKey)))", logger: self.logger)
                if let schema = self.schema {
                    try await conn.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: self.logger)
                }
                // The ledger itself (not the schema it versions) is the one table created on sight.
                try await conn.query("""
                    CREATE TABLE IF NOT EXISTS squawk_migrations (
                        name text COLLATE "C" NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: self.logger)
                var applied = Set<String>()
                for try await name in try await conn.query("SELECT name FROM squawk_migrations", logger: self.logger).decode(String.self) {
                    applied.insert(name)
                }
                for migration in PostgresMigrations.all where !applied.contains(migration.name) {
                    for statement in migration.statements {
                        try await conn.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                    }
                    try await conn.query("INSERT INTO squawk_migrations (name) VALUES (\(migration.name))", logger: self.logger)
                    self.logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
                }
            }
        }
    }

    /// The configuration of ``probeConfiguration``; nil when TLS cannot be set up here (the pool
    /// then reports it).
    static func probeConfiguration(_ url: PostgresURL) -> PostgresConnection.Configuration? {
        var configuration: PostgresConnection.Configuration
        if let directory = url.socketDirectory {
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(url.port)", username: url.user, password: url.password, database: url.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            do {
                switch url.tls {
                case .disable: tls = .disable
                case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            } catch {
                return nil
            }
            configuration = .init(host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// Opens and closes one connection: the server is reachable and takes the credentials.
    func probe() async throws {
        guard let probeConfiguration else { return }
        do {
            let connection = try await PostgresConnection.connect(on: PostgresClient.defaultEventLoopGroup.any(), configuration: probeConfiguration,
                                                                  id: 0, logger: logger).get()
            try? await connection.close()
        } catch {
            let mapped = StoreError(postgres: error)
            throw StoreError(.unavailable, "cannot connect to \(location): \(mapped.message)")
        }
    }

    /// The names of the migrations applied to the database, in order.
    public func appliedMigrations() async throws -> [String] {
        try await read { conn in
            try await conn.query("SELECT name FROM squawk_migrations ORDER BY name", logger: self.logger).decode(String.self)
                .reduce(into: []) { $0.append($1) }
        }
    }

    /// The names of every migration this build knows, in order.
    public static var knownMigrations: [String] { PostgresMigrations.all.map(\.name) }

    // MARK: - Access helpers

    /// Runs `body` in one transaction on a pooled connection: committed when it returns, rolled
    /// back when it throws. A deadlock or serialization failure reruns it (up to 5 times, so
    /// `body` must be safe to repeat); errors become ``StoreError``.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { conn in
                    try await conn.query("BEGIN", logger: self.logger)
                    do {
                        let value = try await body(conn)
                        try await conn.query("COMMIT", logger: self.logger)
                        return value
                    } catch {
                        _ = try? await conn.query("ROLLBACK", logger: self.logger)
                        throw error
                    }
                }
            } catch where attempt < 5 && StoreError.isRetryable(error) {
                logger.debug("transaction retried", metadata: ["attempt": "\(attempt)"])
                continue
            } catch {
                throw StoreError(postgres: error)
            }
        }
    }

    /// Runs `body` on a pooled connection outside an explicit transaction (each statement is
    /// atomic on its own); errors become ``StoreError``.
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { try await body($0) }
        } catch {
            throw StoreError(postgres: error)
        }
    }

    /// Every row of `query`, collected.
    func rows(_ conn: PostgresConnection, _ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await conn.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// Runs `body`, or fails with ``StoreError/Code/unavailable`` and `message` after `deadline`.
    func withDeadline<T: Sendable>(_ deadline: Duration, _ message: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw StoreError(.unavailable, message)
            }
            return value
        }
    }
}
