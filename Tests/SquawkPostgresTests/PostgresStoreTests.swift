import Foundation
import Logging
import SquawkCore
import SquawkPostgres
import SquawkStore
import Testing

/// What the PostgreSQL backend adds to the contracts: migrations under an advisory lock,
/// leadership leases, and secrets kept out of errors.
@Suite("PostgreSQL store", PostgresTestDatabase.available)
struct PostgresStoreTests {
    @Test("webhook secrets are stored sealed with secrets.key, open only with it, and reseal to a new key")
    func sealedSecrets() async throws {
        let schema = PostgresTestDatabase.freshSchema()
        let url = try PostgresTestDatabase.url(schema: schema)
        let keyA = try SecretSealer(base64Key: SecretSealer.newKey()), keyB = try SecretSealer(base64Key: SecretSealer.newKey())
        let secret = "whsec_cG9zdGdyZXMtc2VhbGVkLXNlY3JldC10ZXN0LTQ1Ng=="
        let sub = Subscription(id: "sub_pg_sealed", ownerKeyId: "admin", target: .init(kind: .callsign, id: "DAL1"), events: [.takeoff],
                               notifyEndpoint: "https://hooks.example.com/x", createdAt: Date())
        let sealed = PostgresStore(url: url, maximumConnections: 2, logger: PostgresTestDatabase.logger, sealer: keyA)
        try await sealed.withRunning {
            _ = try await sealed.create(sub, secret: SigningSecret(secret: secret, createdAt: Date()), idempotency: nil)
            let opened = try await sealed.secrets(subscriptionId: sub.id, now: Date()).map(\.secret)
            #expect(opened == [secret])
            let count = try await sealed.resealSecrets(with: keyB)
            #expect(count == 1)
        }
        let plain = PostgresStore(url: url, maximumConnections: 2, logger: PostgresTestDatabase.logger)
        _ = try await plain.withRunning {
            await #expect(throws: StoreError.self) { try await plain.secrets(subscriptionId: sub.id, now: Date()) }
        }
        let rotated = PostgresStore(url: url, maximumConnections: 2, logger: PostgresTestDatabase.logger, sealer: keyB)
        try await rotated.withRunning {
            let opened = try await rotated.secrets(subscriptionId: sub.id, now: Date()).map(\.secret)
            #expect(opened == [secret])
        }
        try await PostgresTestDatabase.dropSchema(schema)
    }

    @Test("two stores migrating one schema at once both succeed, and each migration runs once")
    func concurrentMigrations() async throws {
        let schema = PostgresTestDatabase.freshSchema()
        let url = try PostgresTestDatabase.url(schema: schema)
        let stores = (0..<3).map { _ in PostgresStore(url: url, maximumConnections: 2, logger: PostgresTestDatabase.logger) }
        let applied = try await withThrowingTaskGroup(of: [String].self) { group in
            for store in stores {
                group.addTask { try await store.withRunning { try await store.appliedMigrations() } }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(applied.count == 3)
        for names in applied { #expect(names == PostgresStore.knownMigrations) }
        // A later start finds nothing to do and the store works.
        let again = PostgresStore(url: url, maximumConnections: 2, logger: PostgresTestDatabase.logger)
        let count = try await again.withRunning { try await again.count() }
        #expect(count == 0)
        try await PostgresTestDatabase.dropSchema(schema)
    }

    @Test("upgrading trims the unbounded secrets earlier versions kept to the newest three (0006_bounded_secrets)")
    func upgradeTrimsSecrets() async throws {
        let schema = PostgresTestDatabase.freshSchema()
        let url = try PostgresTestDatabase.url(schema: schema)
        let t0 = Date(timeIntervalSince1970: 1_767_225_600)
        let sub = Subscription(id: "sub_many", ownerKeyId: "admin", target: SubscriptionTarget(kind: .server, id: "Expert Server"),
                               events: [.takeoff], notifyEndpoint: "https://hooks.example.com/x", createdAt: t0)
        // A schema as 0005 left it: ten secrets after nine unbounded rotations.
        let old = PostgresStore(url: url, maximumConnections: 2, logger: PostgresTestDatabase.logger)
        try await old.withRunning {
            _ = try await old.create(sub, secret: SigningSecret(secret: "whsec_9", createdAt: t0.addingTimeInterval(9)), idempotency: nil)
            try await old.execute(unsafeSQL: """
                INSERT INTO subscription_secrets (subscription_id, secret, created_at, expires_at)
                SELECT 'sub_many', 'whsec_' || n, to_timestamp(1767225600 + n), to_timestamp(1767225600 + 1000000) FROM generate_series(0, 8) n
                """)
            try await old.execute(unsafeSQL: "DELETE FROM squawk_migrations WHERE name = '0006_bounded_secrets'")
        }
        let upgraded = PostgresStore(url: url, maximumConnections: 2, logger: PostgresTestDatabase.logger)
        let applied = try await upgraded.withRunning {
            // Raises unless exactly the three newest rows are left.
            try await upgraded.execute(unsafeSQL: """
                DO $$ BEGIN
                  IF (SELECT array_agg(secret ORDER BY created_at DESC) FROM subscription_secrets) <> ARRAY['whsec_9', 'whsec_8', 'whsec_7'] THEN
                    RAISE EXCEPTION 'secrets not trimmed';
                  END IF;
                END $$
                """)
            return try await upgraded.appliedMigrations()
        }
        #expect(applied == PostgresStore.knownMigrations)
        try await PostgresTestDatabase.dropSchema(schema)
    }

    @Test("leadership: one holder at a time; renewable by its holder; taken over once the lease ends; released on request")
    func leadership() async throws {
        try await PostgresTestDatabase.withStore { store in
            let t0 = Date(timeIntervalSince1970: 1_767_225_600)
            func at(_ s: Double) -> Date { t0.addingTimeInterval(s) }
            #expect(try await store.acquireLeadership("poller/liveapi", holder: "a", now: at(0), lease: .seconds(15)))
            #expect(try await store.acquireLeadership("poller/liveapi", holder: "b", now: at(5), lease: .seconds(15)) == false)
            // Another job is independent.
            #expect(try await store.acquireLeadership("poller/fls", holder: "b", now: at(5), lease: .seconds(15)))
            // The holder renews; the lease moves on.
            #expect(try await store.acquireLeadership("poller/liveapi", holder: "a", now: at(10), lease: .seconds(15)))
            #expect(try await store.acquireLeadership("poller/liveapi", holder: "b", now: at(24.999), lease: .seconds(15)) == false)
            // a stops renewing: at the end of its lease b takes over, and a cannot come back.
            #expect(try await store.acquireLeadership("poller/liveapi", holder: "b", now: at(25), lease: .seconds(15)))
            #expect(try await store.acquireLeadership("poller/liveapi", holder: "a", now: at(26), lease: .seconds(15)) == false)
            // Released by someone else: nothing happens; by the holder: free at once.
            try await store.releaseLeadership("poller/liveapi", holder: "a")
            #expect(try await store.acquireLeadership("poller/liveapi", holder: "c", now: at(27), lease: .seconds(15)) == false)
            try await store.releaseLeadership("poller/liveapi", holder: "b")
            #expect(try await store.acquireLeadership("poller/liveapi", holder: "c", now: at(27), lease: .seconds(15)))
        }
    }

    @Test("many instances asking at once: exactly one becomes leader")
    func leadershipRace() async throws {
        try await PostgresTestDatabase.withStore(maximumConnections: 10) { store in
            let now = Date(timeIntervalSince1970: 1_767_225_600)
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<10 {
                    group.addTask { try await store.acquireLeadership("poller/liveapi", holder: "instance-\(i)", now: now, lease: .seconds(15)) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
        }
    }

    @Test("a fenced commit writes nothing unless its holder still holds the lease: not another holder's, not after the lease ended")
    func fencedCommit() async throws {
        try await PostgresTestDatabase.withStore { store in
            let t0 = Date(timeIntervalSince1970: 1_767_225_600)
            func at(_ s: Double) -> Date { t0.addingTimeInterval(s) }
            let sub = Subscription(id: "sub_fence", ownerKeyId: "admin", target: SubscriptionTarget(kind: .server, id: "Expert Server"),
                                   events: [.takeoff], notifyEndpoint: "https://hooks.example.com/x", createdAt: t0)
            _ = try await store.create(sub, secret: SigningSecret(secret: "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=", createdAt: t0), idempotency: nil)
            func event(_ n: Int) -> FlightEvent { FlightEvent(id: "evt_fence_\(n)", type: .takeoff, at: at(Double(n)), flightId: "F") }
            func commit(_ value: String, holder: String, at s: Double) -> PollCommit {
                PollCommit(states: ["diff/fence": Data(value.utf8)], fence: .init(name: "poller/liveapi", holder: holder, at: at(s)), at: at(s))
            }
            #expect(try await store.acquireLeadership("poller/liveapi", holder: "a", now: at(0), lease: .seconds(15)))
            #expect(try await store.enqueue([(event(1), [sub.id])], now: at(1), commit: commit("a1", holder: "a", at: 1)) == 1)

            // Not the holder; the holder after its lease ended (even before anyone took over).
            for (holder, s) in [("b", 2.0), ("a", 15.0)] {
                await #expect(throws: StoreError(.notLeader, "the lease of poller/liveapi is no longer held by this instance; nothing was written")) {
                    try await store.enqueue([(event(Int(s) + 10), [sub.id])], now: at(s), commit: commit("stale", holder: holder, at: s))
                }
            }
            // b took over; a's late commit changes nothing, b's goes through.
            #expect(try await store.acquireLeadership("poller/liveapi", holder: "b", now: at(16), lease: .seconds(15)))
            await #expect(throws: StoreError.self) {
                try await store.enqueue([(event(3), [sub.id])], now: at(16), commit: commit("a-late", holder: "a", at: 10))
            }
            #expect(try await store.loadPollerStates()["diff/fence"] == Data("a1".utf8))
            #expect(try await store.enqueue([(event(4), [sub.id])], now: at(17), commit: commit("b1", holder: "b", at: 17)) == 1)
            #expect(try await store.loadPollerStates()["diff/fence"] == Data("b1".utf8))
            let log = try await store.deliveries(subscriptionId: sub.id, owner: "admin", status: nil, after: nil, limit: 10).items
            #expect(Set(log.map(\.eventId)) == ["evt_fence_1", "evt_fence_4"])
            #expect(log.map(\.sequence).sorted() == [1, 2], "refused commits took no sequence numbers")
        }
    }

    @Test("poller state round-trips bytes and is replaced whole")
    func pollerState() async throws {
        try await PostgresTestDatabase.withStore { store in
            let t = Date(timeIntervalSince1970: 1_767_225_600)
            try await store.savePollerState(key: "diff/a", value: Data([0, 1, 2, 255]), at: t)
            try await store.savePollerState(key: "diff/b", value: Data("{}".utf8), at: t)
            try await store.savePollerState(key: "diff/a", value: Data([9]), at: t)
            #expect(try await store.loadPollerStates() == ["diff/a": Data([9]), "diff/b": Data("{}".utf8)])
        }
    }

    @Test("a wrong password fails with .unavailable, and the password appears in no error text")
    func passwordNeverShown() async throws {
        var url = try PostgresURL(try #require(PostgresTestDatabase.url))
        let secret = "Not-The-Password-\(UUID().uuidString)"
        url.password = secret
        let store = PostgresStore(url: url, maximumConnections: 2, logger: PostgresTestDatabase.logger)
        do {
            _ = try await store.withRunning { try await store.count() }
            Issue.record("connecting with a wrong password succeeded")
        } catch let error as StoreError {
            #expect(error.code == .unavailable)
            #expect(!"\(error)".contains(secret))
            #expect(!String(reflecting: error).contains(secret))
        }
        #expect(!store.location.contains(secret))
        #expect(store.location.contains(":***@"))
    }
}

/// Parsing of `postgres://` URLs (no database needed).
@Suite("PostgreSQL URLs")
struct PostgresURLTests {
    @Test("fields, defaults and options")
    func parses() throws {
        let url = try PostgresURL("postgres://squawk:p%40ss%3Aword@db.example:6543/squawk_prod?sslmode=require&schema=tenant_1")
        #expect(url.user == "squawk")
        #expect(url.password == "p@ss:word")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.database == "squawk_prod")
        #expect(url.tls == .require)
        #expect(url.schema == "tenant_1")
        let plain = try PostgresURL("postgresql://me@localhost/db")
        #expect(plain.port == 5432 && plain.password == nil && plain.tls == .prefer && plain.schema == nil)
        let socket = try PostgresURL("postgres://me@/db?host=/run/postgresql")
        #expect(socket.socketDirectory == "/run/postgresql")
    }

    @Test("bad URLs are clear errors that never repeat the password", arguments: [
        "postgres://user:hunter2@/db",
        "postgres://user:hunter2@host:99999/db",
        "postgres://user:hunter2@host/",
        "postgres://user:hunter2@host/db?sslmode=sometimes",
        "postgres://user:hunter2@host/db?schema=Robert');DROP",
        "postgres://user:hunter2@host/db?colour=blue",
        "postgres://:hunter2@host/db",
        "mysql://user:hunter2@host/db",
    ])
    func rejects(_ text: String) throws {
        #expect { _ = try PostgresURL(text) } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .unavailable && !error.message.contains("hunter2") && error.message.hasPrefix("store URL:")
        }
    }

    @Test("redaction masks the password only")
    func redaction() throws {
        let url = try PostgresURL("postgres://squawk:hunter2@db:5432/squawk?schema=s1")
        #expect(url.redacted == "postgres://squawk:***@db:5432/squawk?schema=s1")
        #expect("\(url)" == url.redacted)
        #expect(PostgresURL.redact("postgres://squawk:hunter2@db/squawk") == "postgres://squawk:***@db/squawk")
        #expect(PostgresURL.redact("postgres://squawk@db/squawk") == "postgres://squawk@db/squawk")
        #expect(PostgresURL.redact("./data/squawk.sqlite") == "./data/squawk.sqlite")
    }
}
