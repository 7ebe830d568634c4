import Foundation
import GRDB
@testable import SquawkSQLite
import SquawkCore
import SquawkStore
import Testing

/// What is particular to the SQLite backend: migrations, connection settings, the schema's own
/// invariants, atomicity and concurrency on a real file.
@Suite("SQLite store")
struct SQLiteStoreTests {
    // MARK: - Migrations

    @Test("migrations apply to an empty file and re-opening applies nothing twice")
    func migrationsApplyAndReopen() async throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("squawk.sqlite").path

        let sub = Self.subscription("sub_0001")
        do {
            let store = try SQLiteStore(path: path)
            #expect(try await store.appliedMigrations() == SQLiteStore.knownMigrations)
            #expect(SQLiteStore.knownMigrations == ["0001_subscriptions", "0002_api_keys", "0003_deliveries", "0004_poller_state", "0005_failing_since",
                                                      "0006_delivery_groups", "0007_subscription_filters", "0008_bounded_secrets", "0009_delivery_options",
                                                      "0010_chat_cards", "0011_expired_status", "0012_new_deliveries_hold"])
            _ = try await store.create(sub, secret: SigningSecret(secret: "whsec_a", createdAt: sub.createdAt), idempotency: nil)
        }
        // Second open of the same file: no migration re-runs (they would fail on CREATE TABLE),
        // data is intact.
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.appliedMigrations() == SQLiteStore.knownMigrations)
        #expect(try await reopened.get(id: sub.id, owner: sub.ownerKeyId) == sub)
        #expect(try await reopened.count() == 1)
    }

    @Test("upgrading trims the unbounded secrets earlier versions kept to the newest three (0008_bounded_secrets)")
    func upgradeTrimsSecrets() async throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("squawk.sqlite").path
        let sub = Self.subscription("sub_0001")
        let t0 = sub.createdAt.timeIntervalSince1970
        do {
            // A database as 0007 left it: ten secrets after nine unbounded rotations.
            let store = try SQLiteStore(path: path)
            _ = try await store.create(sub, secret: SigningSecret(secret: "whsec_9", createdAt: sub.createdAt.addingTimeInterval(9)), idempotency: nil)
            try await store.write { db in
                for n in 0..<9 {
                    try db.execute(sql: "INSERT INTO subscription_secrets VALUES (?, ?, ?, ?)",
                                   arguments: [sub.id, "whsec_\(n)", t0 + Double(n), t0 + 1_000_000])
                }
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = '0008_bounded_secrets'")
            }
        }
        let upgraded = try SQLiteStore(path: path)
        #expect(try await upgraded.appliedMigrations() == SQLiteStore.knownMigrations)
        let kept = try await upgraded.read { db in
            try String.fetchAll(db, sql: "SELECT secret FROM subscription_secrets ORDER BY created_at DESC")
        }
        #expect(kept == ["whsec_9", "whsec_8", "whsec_7"])
    }

    @Test("upgrading turns deliveries earlier versions ended failed as too old into expired, and keeps every row and attempt (0011_expired_status)")
    func upgradeExpiredStatus() async throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("squawk.sqlite").path
        let sub = Self.subscription("sub_0001")
        let t0 = sub.createdAt.timeIntervalSince1970
        do {
            // A database as 0010 left it (the old deliveries table): one delivery ended failed as
            // too old, one failed after an attempt, one delivered.
            let store = try SQLiteStore(path: path)
            _ = try await store.create(sub, secret: SigningSecret(secret: "whsec_a", createdAt: sub.createdAt), idempotency: nil)
            try await store.write { db in
                try db.execute(sql: "DROP TABLE deliveries")
                // 0003's table, whose checks know no `expired`.
                try db.execute(sql: """
                    CREATE TABLE deliveries (
                        id TEXT NOT NULL PRIMARY KEY, event_id TEXT NOT NULL REFERENCES events(id),
                        subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE, sequence INTEGER NOT NULL,
                        ordering_key TEXT NOT NULL, status TEXT NOT NULL CHECK(status IN ('pending','inflight','delivered','failed')),
                        blocked INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL, lease_until REAL,
                        last_error TEXT, last_status_code INTEGER, created_at REAL NOT NULL, completed_at REAL,
                        CHECK((status IN ('delivered','failed')) = (completed_at IS NOT NULL)))
                    """)
                for (n, status, error) in [(1, "failed", "expired: the event is 1200 s old"), (2, "failed", "the endpoint answered 500"), (3, "delivered", nil)] {
                    try db.execute(sql: "INSERT INTO events (id, type, at, created_at) VALUES (?, 'flight.takeoff', ?, ?)", arguments: ["evt_\(n)", t0, t0])
                    try db.execute(sql: """
                        INSERT INTO deliveries (id, event_id, subscription_id, sequence, ordering_key, status, attempts, next_attempt_at, last_error,
                                                created_at, completed_at)
                        VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
                        """, arguments: ["dlv_\(n)", "evt_\(n)", sub.id, n, "k\(n)", status, t0, error, t0, t0 + 1])
                    try db.execute(sql: "INSERT INTO delivery_attempts (delivery_id, attempt, at, latency_ms) VALUES (?, 1, ?, 3)", arguments: ["dlv_\(n)", t0])
                }
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = '0011_expired_status'")
            }
        }
        let upgraded = try SQLiteStore(path: path)
        #expect(try await upgraded.appliedMigrations() == SQLiteStore.knownMigrations)
        let rows = try await upgraded.read { db in try Row.fetchAll(db, sql: "SELECT id, status FROM deliveries ORDER BY id").map { "\($0[0] as String) \($0[1] as String)" } }
        #expect(rows == ["dlv_1 expired", "dlv_2 failed", "dlv_3 delivered"])
        #expect(try await upgraded.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM delivery_attempts") } == 3, "the rebuild cascaded nothing")
        #expect(try await upgraded.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count } == 0)
    }

    @Test("the schema has the tables and indexes")
    func schemaObjects() async throws {
        let store = try SQLiteStore.temporary()
        let names = try await store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name")
        }
        #expect(names == [
            "api_keys", "chat_cards", "chat_cards_updated", "deliveries", "deliveries_due", "deliveries_finished", "deliveries_group", "deliveries_leases",
            "delivery_attempts", "delivery_attempts_delivery", "events", "events_created", "idempotency_keys",
            "idempotency_keys_subscription", "poller_state", "subscription_secrets", "subscription_secrets_one_current", "subscriptions",
            "subscriptions_owner_id", "subscriptions_status",
        ])
    }

    // MARK: - Connection settings

    @Test("process settings only take once SQLite is in use: a late call reports that it changed nothing")
    func processSettingsAfterOpening() async throws {
        let store = try SQLiteStore.temporary()
        #expect(try await store.pragma("journal_mode") == "wal", "a database is open")
        #expect(!SQLiteStore.configureProcess())
    }

    @Test("WAL, foreign keys, busy timeout and synchronous=NORMAL are on")
    func pragmas() async throws {
        let store = try SQLiteStore.temporary()
        #expect(try await store.pragma("journal_mode") == "wal")
        #expect(try await store.pragma("foreign_keys") == "1")
        #expect(try await store.pragma("synchronous") == "1")
        let writerSettings = try await store.write { db in
            [try String.fetchOne(db, sql: "PRAGMA foreign_keys"), try String.fetchOne(db, sql: "PRAGMA synchronous"),
             try String.fetchOne(db, sql: "PRAGMA busy_timeout")]
        }
        // The busy timeout matters where writers meet (a second process writing); readers in
        // WAL mode never wait on the writer.
        #expect(writerSettings == ["1", "1", "5000"])
    }

    @Test("a temporary store removes its directory when released")
    func temporaryCleanup() async throws {
        var store: SQLiteStore? = try SQLiteStore.temporary()
        let path = try #require(store?.path)
        _ = try await store?.count()
        #expect(FileManager.default.fileExists(atPath: path))
        store = nil
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent))
    }

    // MARK: - Schema invariants

    @Test("raw rows breaking CHECKs, foreign keys and unique indexes are refused", arguments: [
        ("UPDATE subscriptions SET status = 'paused'", StoreError.Code.constraint),
        ("UPDATE subscriptions SET format = 'xml'", .constraint),
        ("UPDATE subscriptions SET target_kind = 'planet'", .constraint),
        ("UPDATE subscriptions SET notify_endpoint = printf('%.257c', 'x')", .constraint),
        ("UPDATE subscriptions SET notify_endpoint = ''", .constraint),
        ("UPDATE subscriptions SET metadata = '[1]'", .constraint),
        ("UPDATE subscriptions SET metadata = 'not json'", .constraint),
        ("UPDATE subscriptions SET events = 'flight.takeoff; DROP'", .constraint),
        ("UPDATE subscriptions SET created_at = NULL", .constraint),
        ("INSERT INTO subscription_secrets VALUES ('sub_missing', 'whsec_x', 0, NULL)", .constraint),
        ("INSERT INTO subscription_secrets VALUES ('sub_0001', 'whsec_second_current', 0, NULL)", .conflict),
        ("INSERT INTO idempotency_keys VALUES ('owner', 'k', 'h', 'sub_missing', 0)", .constraint),
        ("INSERT INTO api_keys VALUES ('key_1', 'n', 'sqk_', 'NOT-HEX', 0, NULL)", .constraint),
    ])
    func schemaInvariants(sql: String, code: StoreError.Code) async throws {
        let store = try SQLiteStore.temporary()
        let sub = Self.subscription("sub_0001")
        _ = try await store.create(sub, secret: SigningSecret(secret: "whsec_a", createdAt: sub.createdAt), idempotency: nil)
        do {
            try await store.write { db in try db.execute(sql: sql) }
            Issue.record("accepted: \(sql)")
        } catch let error as StoreError {
            #expect(error.code == code, "\(error)")
        }
        #expect(try await store.get(id: sub.id, owner: sub.ownerKeyId) == sub)
        #expect(try await store.secrets(subscriptionId: sub.id, now: sub.createdAt).map(\.secret) == ["whsec_a"])
    }

    @Test("a failure late in a create leaves nothing behind (one transaction)")
    func createIsAtomic() async throws {
        let store = try SQLiteStore.temporary()
        let sub = Self.subscription("sub_0001")
        // The subscription row is valid; the secret row breaks CHECK(length(secret) >= 1).
        await #expect(throws: StoreError.self) {
            _ = try await store.create(sub, secret: SigningSecret(secret: "", createdAt: sub.createdAt),
                                       idempotency: IdempotencyRecord(key: "k", requestHash: "h", subscriptionId: sub.id))
        }
        #expect(try await store.count() == 0)
        let leftovers = try await store.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM subscription_secrets) + (SELECT COUNT(*) FROM idempotency_keys)")
        }
        #expect(leftovers == 0)
    }

    @Test("errors carry no secret and no statement arguments")
    func errorsDoNotLeak() async throws {
        let store = try SQLiteStore.temporary()
        let secret = "whsec_TOP-SECRET-VALUE"
        var sub = Self.subscription("sub_0001")
        sub.notifyEndpoint = "https://example.com/token-in-path/" + String(repeating: "z", count: 260)
        do {
            _ = try await store.create(sub, secret: SigningSecret(secret: secret, createdAt: sub.createdAt), idempotency: nil)
            Issue.record("a 290-character endpoint was stored")
        } catch let error as StoreError {
            #expect(error.code == .constraint)
            #expect(error.message.contains("notify_endpoint"))
            #expect(!error.description.contains("TOP-SECRET"))
            #expect(!error.description.contains("token-in-path"))
        }
    }

    @Test("a batch insert is all or nothing")
    func batchAllOrNothing() async throws {
        let store = try SQLiteStore.temporary()
        let good = (0..<10).map { i in (Self.subscription("sub_\(1000 + i)"), SigningSecret(secret: "whsec_\(i)", createdAt: Date(timeIntervalSince1970: 1))) }
        var bad = good
        bad.append((Self.subscription("sub_2000", endpoint: String(repeating: "h", count: 300)), SigningSecret(secret: "whsec_x", createdAt: Date(timeIntervalSince1970: 1))))
        await #expect(throws: StoreError.self) { try await store.createBatch(bad) }
        #expect(try await store.count() == 0)
        try await store.createBatch(good)
        #expect(try await store.count() == 10)
        #expect(try await store.allActive().map(\.id) == good.map(\.0.id))
    }

    // MARK: - Concurrency

    @Test("20 tasks creating while 5 tasks read: every create lands")
    func concurrentWritersAndReaders() async throws {
        let store = try SQLiteStore.temporary()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<20 {
                group.addTask {
                    for j in 0..<25 {
                        let sub = Self.subscription(String(format: "sub_%02d_%03d", task, j), owner: "owner_\(task % 4)")
                        _ = try await store.create(sub, secret: SigningSecret(secret: "whsec_\(task)_\(j)", createdAt: sub.createdAt), idempotency: nil)
                    }
                }
            }
            for reader in 0..<5 {
                group.addTask {
                    var last = 0
                    for _ in 0..<50 {
                        // Counts seen by readers never go backwards (snapshot isolation over WAL).
                        let n = try await store.list(SubscriptionQuery(ownerKeyId: "owner_\(reader % 4)", limit: 1_000)).items.count
                        #expect(n >= last)
                        last = n
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.count() == 500)
        #expect(try await store.allActive().count == 500)
        for owner in 0..<4 {
            #expect(try await store.list(SubscriptionQuery(ownerKeyId: "owner_\(owner)", limit: 1_000)).items.count == 125)
        }
    }

    @Test("two stores on one file (two processes' worth of connections) both write")
    func twoStoresOneFile() async throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("shared.sqlite").path
        let first = try SQLiteStore(path: path)
        let second = try SQLiteStore(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (n, store) in [first, second].enumerated() {
                group.addTask {
                    for j in 0..<50 {
                        let sub = Self.subscription("sub_\(n)_\(1000 + j)")
                        _ = try await store.create(sub, secret: SigningSecret(secret: "whsec_\(n)_\(j)", createdAt: sub.createdAt), idempotency: nil)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await first.count() == 100)
        #expect(try await second.count() == 100)
    }

    // MARK: - Helpers

    static func makeDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-sqlite-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func subscription(_ id: String, owner: String = "key_owner", endpoint: String = "https://hooks.example.com/x") -> Subscription {
        Subscription(id: id, ownerKeyId: owner, target: SubscriptionTarget(kind: .airport, id: "KSFO"), events: [.takeoff, .landing],
                     notifyEndpoint: endpoint, format: .json, metadata: ["k": "v"], createdAt: Date(timeIntervalSince1970: 1_767_225_600))
    }
}
