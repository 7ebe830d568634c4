import CSQLiteConfig
import Foundation
import GRDB
import SquawkCore
import SquawkStore

/// The SQLite backend of the store protocols, over a GRDB 7 `DatabasePool`.
///
/// - **Connections:** a `DatabasePool` (WAL journal: one writer, concurrent readers) with
///   `foreign_keys = ON`, `synchronous = NORMAL` (durable across process crashes; with WAL an
///   OS crash may lose the last commits but never corrupts), and a 5 s busy timeout so a second
///   process (`squawk keys …` while the server runs) waits instead of failing.
/// - **Schema:** the append-only migrations of ``SQLiteMigrations``, applied when the store opens.
///   Dates are `REAL` unix seconds: any date round-trips to well under a microsecond, and dates
///   on whole milliseconds (what the contract suite uses) round-trip exactly.
/// - **Transactions:** every write runs in one `BEGIN IMMEDIATE` transaction, so a
///   read-then-write (idempotent create, rotation) cannot interleave with another process.
/// - **Errors:** everything a method throws is a ``StoreError``; SQLite messages are kept (they
///   name constraints, never values), arguments are never included.
public final class SQLiteStore: Sendable {
    /// The GRDB connection (pool for files, queue for in-memory stores).
    let writer: any DatabaseWriter
    /// The database file, nil for an in-memory store.
    public let path: String?
    /// A directory removed when the store is released (temporary stores only).
    private let ownedDirectory: URL?
    /// Encrypts webhook secrets at rest (`secrets.key`); nil: stored as issued.
    public let sealer: SecretSealer?
    /// Subscriptions read by id lately (SubscriptionReadCache.swift).
    let readCache = SubscriptionReadCache()
    /// Creates waiting for the writer, committed together (CreateBatcher.swift).
    let creates = CreateBatcher()

    // MARK: - Process settings

    /// Settings SQLite takes for the whole process, before its first database is opened: memory
    /// statistics off, so SQLite's allocations skip a global mutex (the outbox benchmark's store
    /// CPU dropped ~10 %). Call it once, first thing, while no other thread uses SQLite (the
    /// executable does, at startup); later calls and calls after a database was opened change
    /// nothing. Returns whether it took effect.
    @discardableResult
    public static func configureProcess() -> Bool {
        squawk_sqlite_disable_memstatus() == 0  // SQLITE_OK
    }

    // MARK: - Opening

    /// Creates the database file with mode `0600` unless it exists (then its mode is left as the
    /// operator set it), so it is never readable by others, not even for a moment.
    static func createPrivately(_ path: String) throws {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd >= 0 {
            close(fd)
        } else if errno != EEXIST {
            throw StoreError(.unavailable, "cannot create the database file: \(String(cString: strerror(errno)))")
        }
    }

    /// Opens (creating if needed) the database file at `path` and applies pending migrations.
    /// The parent directory must exist. The file (and SQLite's `-wal` and `-shm` files, which
    /// take its mode) is readable by its owner only (`0600`): it holds webhook secrets.
    public convenience init(path: String, sealer: SecretSealer? = nil) throws {
        try self.init(path: path, ownedDirectory: nil, sealer: sealer)
    }

    private init(path: String, ownedDirectory: URL?, sealer: SecretSealer? = nil) throws {
        self.sealer = sealer
        try Self.createPrivately(path)
        do {
            let pool = try DatabasePool(path: path, configuration: Self.configuration())
            try SQLiteMigrations.migrator.migrate(pool)
            self.writer = pool
        } catch let error as DatabaseError {
            throw StoreError(error)
        }
        self.path = path
        self.ownedDirectory = ownedDirectory
    }

    private init(inMemory queue: DatabaseQueue) throws {
        self.sealer = nil
        do {
            try SQLiteMigrations.migrator.migrate(queue)
        } catch let error as DatabaseError {
            throw StoreError(error)
        }
        self.writer = queue
        self.path = nil
        self.ownedDirectory = nil
    }

    /// A store on a fresh file in a new temporary directory, deleted when the store is released.
    /// The same code path as production (pool, WAL); what tests use.
    public static func temporary() throws -> SQLiteStore {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("squawk-store-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.unavailable, "cannot create a temporary directory: \(error.localizedDescription)")
        }
        return try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path, ownedDirectory: directory)
    }

    /// A private in-memory database (one connection, no WAL). Fast; gone when released.
    public static func inMemory() throws -> SQLiteStore {
        do {
            return try SQLiteStore(inMemory: DatabaseQueue(configuration: configuration()))
        } catch let error as DatabaseError {
            throw StoreError(error)
        }
    }

    deinit {
        if let ownedDirectory {
            if let pool = writer as? DatabasePool { try? pool.close() }
            try? FileManager.default.removeItem(at: ownedDirectory)
        }
    }

    /// Connection settings shared by every connection of the store.
    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        config.label = "squawk.sqlite"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return config
    }

    // MARK: - Access helpers

    /// Runs `updates` in one `BEGIN IMMEDIATE` transaction; errors become ``StoreError``.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try updates(db)
                    return .commit
                }
                return result!
            }
        } catch let error as DatabaseError {
            throw StoreError(error)
        }
    }

    /// Runs `value` in a read-only snapshot; errors become ``StoreError``.
    func read<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(value)
        } catch let error as DatabaseError {
            throw StoreError(error)
        }
    }

    /// `values` as a JSON array, the one argument of `IN (SELECT value FROM json_each(?))`: a
    /// set of any size in one statement, without a placeholder per value.
    static func jsonArray(_ values: [String]) -> String {
        String(decoding: JSONValue.array(values.map(JSONValue.string)).jsonBytes, as: UTF8.self)
    }

    /// The value of `PRAGMA name` on a reader connection, for diagnostics and tests
    /// (`journal_mode`, `foreign_keys`…). `name` must be a bare identifier.
    public func pragma(_ name: String) async throws -> String? {
        precondition(name.allSatisfy { $0.isLetter || $0 == "_" }, "pragma name")
        return try await read { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    /// The names of the migrations applied to the database, in order.
    public func appliedMigrations() async throws -> [String] {
        try await read { db in try SQLiteMigrations.migrator.appliedMigrations(db) }
    }

    /// The names of every migration this build knows, in order.
    public static var knownMigrations: [String] { SQLiteMigrations.all.map(\.name) }
}
