import Foundation
import GRDB
@testable import SquawkSQLite
import SquawkCore
import SquawkStore
import Testing

/// What is particular to the SQLite outbox: the delivery tables' own invariants, the query plans
/// `claim` relies on, upgrading a database made before the outbox existed, and the `blocked`
/// bookkeeping of ordering groups under a long random run.
@Suite("SQLite delivery store")
struct SQLiteDeliveryTests {
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)

    // MARK: - Schema invariants

    @Test("raw rows breaking the delivery tables' CHECKs, foreign keys and unique indexes are refused", arguments: [
        ("UPDATE deliveries SET status = 'sent'", StoreError.Code.constraint),
        ("UPDATE deliveries SET status = 'inflight'", .constraint),
        ("UPDATE deliveries SET lease_until = 5", .constraint),
        ("UPDATE deliveries SET status = 'delivered'", .constraint),
        ("UPDATE deliveries SET completed_at = 5", .constraint),
        ("UPDATE deliveries SET status = 'failed', completed_at = 5, blocked = 1", .constraint),
        ("UPDATE deliveries SET attempts = -1", .constraint),
        ("UPDATE deliveries SET sequence = 0", .constraint),
        ("UPDATE deliveries SET last_status_code = 42", .constraint),
        ("UPDATE deliveries SET subscription_id = 'sub_missing'", .constraint),
        ("""
         INSERT INTO deliveries (id, event_id, subscription_id, sequence, ordering_key, status, next_attempt_at, created_at)
         SELECT 'dlv_twin', event_id, subscription_id, 99, ordering_key, 'pending', 0, 0 FROM deliveries
         """, .conflict),
        ("""
         INSERT INTO events (id, type, at, created_at) VALUES ('evt_other', 'flight.landing', 0, 0);
         INSERT INTO deliveries (id, event_id, subscription_id, sequence, ordering_key, status, next_attempt_at, created_at)
         SELECT 'dlv_twin', 'evt_other', subscription_id, sequence, ordering_key, 'pending', 0, 0 FROM deliveries
         """, .conflict),
        ("INSERT INTO delivery_attempts VALUES ((SELECT id FROM deliveries), 1, 0, NULL, 0, printf('%.1025c', 'x'), NULL)", .constraint),
        ("INSERT INTO delivery_attempts VALUES ((SELECT id FROM deliveries), 0, 0, NULL, 0, NULL, NULL)", .constraint),
        ("INSERT INTO delivery_attempts VALUES ((SELECT id FROM deliveries), 1, 0, NULL, -1, NULL, NULL)", .constraint),
        ("INSERT INTO delivery_attempts VALUES ('dlv_missing', 1, 0, NULL, 0, NULL, NULL)", .constraint),
        ("UPDATE events SET data = '[1]'", .constraint),
        ("UPDATE events SET data = 'not json'", .constraint),
        ("UPDATE events SET type = 'Flight Takeoff'", .constraint),
        ("UPDATE events SET server_id = 'srv'", .constraint),
        ("DELETE FROM events", .constraint),
        ("UPDATE subscriptions SET last_delivery_sequence = -1", .constraint),
    ])
    func schemaInvariants(sql: String, code: StoreError.Code) async throws {
        let store = try SQLiteStore.temporary()
        let sub = try await Self.subscribe(store, "sub_0001")
        #expect(try await store.enqueue([(Self.event("evt_0001", flight: "A"), [sub.id])], now: Self.t0) == 1)
        let before = try await store.deliveries(subscriptionId: sub.id, owner: sub.ownerKeyId, status: nil, after: nil, limit: 10).items
        do {
            try await store.write { db in try db.execute(sql: sql) }
            Issue.record("accepted: \(sql)")
        } catch let error as StoreError {
            #expect(error.code == code, "\(error)")
        }
        #expect(try await store.deliveries(subscriptionId: sub.id, owner: sub.ownerKeyId, status: nil, after: nil, limit: 10).items == before)
    }

    @Test("a batch that breaks an invariant halfway leaves nothing: no event, no delivery, no sequence used")
    func enqueueIsAtomic() async throws {
        let store = try SQLiteStore.temporary()
        let sub = try await Self.subscribe(store, "sub_0001")
        let good = Self.event("evt_0001", flight: "A")
        let bad = Self.event(String(repeating: "e", count: 200), flight: "B")
        await #expect(throws: StoreError.self) { _ = try await store.enqueue([(good, [sub.id]), (bad, [sub.id])], now: Self.t0) }
        #expect(try await Self.count(store, "events") == 0)
        #expect(try await Self.count(store, "deliveries") == 0)
        #expect(try await store.enqueue([(good, [sub.id])], now: Self.t0) == 1)
        #expect(try await store.claim(limit: 10, now: Self.t0, lease: .seconds(10)).map(\.delivery.sequence) == [1])
    }

    @Test("event data that JSON cannot carry is refused before anything is written")
    func nonFiniteData() async throws {
        let store = try SQLiteStore.temporary()
        let sub = try await Self.subscribe(store, "sub_0001")
        var event = Self.event("evt_0001", flight: "A")
        event.data = ["x": .number(.infinity)]
        do {
            _ = try await store.enqueue([(event, [sub.id])], now: Self.t0)
            Issue.record("an infinite number was stored")
        } catch let error as StoreError {
            #expect(error.code == .constraint)
        }
        #expect(try await Self.count(store, "events") == 0)
    }

    // MARK: - Query plans

    @Test("claim reads due work by index range, in due order, without sorting or scanning the table")
    func claimPlans() async throws {
        let store = try SQLiteStore.temporary()
        let plans = try await store.read { db in
            try [SQLiteStore.duePendingSQL, SQLiteStore.expiredLeasesSQL].map { sql in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: [0.0, 10]).map { row -> String in row["detail"] }
            }
        }
        #expect(plans == [
            ["SEARCH deliveries USING INDEX deliveries_due (next_attempt_at<?)"],
            ["SEARCH deliveries USING INDEX deliveries_leases (lease_until<?)"],
        ])
    }

    // MARK: - Upgrade

    @Test("a database made before the outbox upgrades: existing subscriptions start at sequence 1")
    func upgradeFrom0002() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("old.sqlite").path
        let sub = Self.subscription("sub_old")
        do {
            var old = DatabaseMigrator()
            for migration in SQLiteMigrations.all.prefix(2) { old.registerMigration(migration.name, migrate: migration.apply) }
            let queue = try DatabaseQueue(path: path, configuration: SQLiteStore.configuration())
            try old.migrate(queue)
            // The rows as a build of that time wrote them: only the columns 0001 made.
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO subscriptions (id, owner_key_id, target_kind, target_id, server, events, notify_endpoint, format,
                                               description, metadata, status, disabled_reason, created_at, updated_at, expires_at)
                    VALUES (?, ?, ?, ?, NULL, ?, ?, ?, NULL, '{}', 'active', NULL, ?, ?, NULL)
                    """, arguments: [sub.id, sub.ownerKeyId, sub.target.kind.rawValue, sub.target.id, RowCoding.encodeEvents(sub.events),
                                     sub.notifyEndpoint, sub.format.rawValue, sub.createdAt.timeIntervalSince1970, sub.updatedAt.timeIntervalSince1970])
                try db.execute(sql: "INSERT INTO subscription_secrets (subscription_id, secret, created_at, expires_at) VALUES (?, 'whsec_old', ?, NULL)",
                               arguments: [sub.id, sub.createdAt.timeIntervalSince1970])
            }
            try queue.close()
        }
        let store = try SQLiteStore(path: path)
        #expect(try await store.appliedMigrations() == SQLiteStore.knownMigrations)
        #expect(try await store.get(id: sub.id, owner: sub.ownerKeyId) == sub)
        #expect(try await store.enqueue([(Self.event("evt_1", flight: "A"), [sub.id])], now: Self.t0) == 1)
        let claimed = try await store.claim(limit: 1, now: Self.t0, lease: .seconds(5))
        #expect(claimed.map(\.delivery.sequence) == [1])
        #expect(claimed.map(\.secrets) == [["whsec_old"]])
    }

    // MARK: - Ordering bookkeeping

    /// 400 random steps over few groups (enqueue, claim, complete with every outcome, expired
    /// leases, redeliver, recover, disable and re-enable): after each, exactly the first unfinished
    /// delivery of every group is unblocked, and no claim ever holds two of one group.
    @Test("blocked marks exactly the deliveries that wait for an earlier one of their group")
    func blockedInvariantUnderRandomSteps() async throws {
        let store = try SQLiteStore.temporary()
        let subs = [try await Self.subscribe(store, "sub_a"), try await Self.subscribe(store, "sub_b")]
        var rng = LCG(seed: 42)
        var clock = 0.0
        var eventNumber = 0
        var inflight: [Delivery] = []
        for step in 0..<400 {
            clock += Double(rng.next(10))
            let now = Self.t0.addingTimeInterval(clock)
            switch rng.next(10) {
            case 0, 1, 2:
                let batch = (0..<(1 + rng.next(4))).map { _ -> (event: FlightEvent, subscriptionIds: [String]) in
                    eventNumber += 1
                    let flight = ["A", "B", "C"][rng.next(3)]
                    return (Self.event("evt_\(eventNumber)", flight: flight), rng.next(2) == 0 ? [subs[0].id] : subs.map(\.id))
                }
                _ = try await store.enqueue(batch, now: now)
            case 3, 4:
                let claimed = try await store.claim(limit: 1 + rng.next(5), now: now, lease: .seconds(30))
                #expect(Set(claimed.map(\.delivery.orderingKey)).count == claimed.count, "step \(step)")
                inflight.removeAll { d in claimed.contains { $0.delivery.id == d.id } }
                inflight += claimed.map(\.delivery)
            case 5, 6, 7:
                guard !inflight.isEmpty else { continue }
                let d = inflight.remove(at: rng.next(inflight.count))
                let next: DeliveryCompletion.Next = switch rng.next(6) {
                case 0: .failed
                case 1: .disableSubscription(reason: "410")
                case 2, 3: .retry(at: now.addingTimeInterval(Double(rng.next(60))))
                default: .delivered
                }
                let attempt = rng.next(4) == 0 ? 0 : d.attempts + 1
                try await store.complete([DeliveryCompletion(attempt: DeliveryAttempt(deliveryId: d.id, attempt: attempt, at: now, statusCode: 500,
                                                                                      latencyMs: 1, responseSnippet: nil, error: nil), next: next)])
            case 8:
                let sub = subs[rng.next(2)]
                let log = try await store.deliveries(subscriptionId: sub.id, owner: sub.ownerKeyId, status: nil, after: nil, limit: 1_000).items
                if let pick = log.isEmpty ? nil : log[rng.next(log.count)] {
                    #expect(try await store.redeliver(id: pick.id, owner: sub.ownerKeyId, now: now))
                }
            default:
                let sub = subs[rng.next(2)]
                _ = try await store.recover(subscriptionId: sub.id, owner: sub.ownerKeyId, since: Self.t0, now: now)
                try await store.setStatus(id: sub.id, status: .active, reason: nil, at: now)
            }
            let wrong = try await store.read { db in
                try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM deliveries AS d
                    WHERE d.blocked != (d.status IN ('pending','inflight') AND EXISTS (
                        SELECT 1 FROM deliveries AS earlier
                        WHERE earlier.ordering_key = d.ordering_key AND earlier.status IN ('pending','inflight')
                            AND earlier.sequence < d.sequence))
                    """) ?? -1
            }
            #expect(wrong == 0, "step \(step)")
            if wrong != 0 { break }
        }
        #expect(eventNumber > 50)
    }

    // MARK: - Helpers

    static func subscription(_ id: String) -> Subscription {
        Subscription(id: id, ownerKeyId: "key_owner", target: SubscriptionTarget(kind: .airport, id: "KSFO"), events: [.takeoff, .landing],
                     notifyEndpoint: "https://hooks.example.com/x", format: .json, createdAt: t0)
    }

    static func subscribe(_ store: SQLiteStore, _ id: String) async throws -> Subscription {
        let sub = subscription(id)
        _ = try await store.create(sub, secret: SigningSecret(secret: "whsec_\(id)", createdAt: t0), idempotency: nil)
        return sub
    }

    static func event(_ id: String, flight: String) -> FlightEvent {
        FlightEvent(id: id, type: .takeoff, at: t0, flightId: flight, airport: "KSFO", data: ["speed": 150])
    }

    static func count(_ store: SQLiteStore, _ table: String) async throws -> Int {
        try await store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -1 }
    }

    /// A tiny deterministic generator (the run must be the same every time).
    struct LCG {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }
}
