import Foundation
import GRDB
import SquawkCore
@testable import SquawkSQLite
import SquawkStore
import Testing

/// The store's read cache against a plain reading of the database: after any sequence of this
/// store's writes, `get` and `detail` answer exactly what a fresh read of the file says.
@Suite("SQLite subscription read cache")
struct SubscriptionReadCacheTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func subscription(_ n: Int, owner: String = "key_a") -> Subscription {
        Subscription(id: "sub_cache\(n)", ownerKeyId: owner, target: SubscriptionTarget(kind: .callsign, id: "DAL\(n)"), events: [.takeoff],
                     notifyEndpoint: "https://hooks.example.com/\(n)", format: .json, createdAt: t0)
    }

    /// The reference: the row and its secrets' dates read straight from the database.
    static func plain(_ store: SQLiteStore, _ id: String, owner: String, now: Date) async throws -> (Subscription, [SecretDates])? {
        try await store.read { db -> (Subscription, [SecretDates])? in
            guard let s = try SQLiteStore.fetchSubscription(db, id: id, owner: owner) else { return nil }
            let secrets = try SQLiteStore.validSecrets(db, subscriptionIds: [id], now: now, sealer: store.sealer)[id] ?? []
            return (s, secrets.map { SecretDates(createdAt: $0.createdAt, expiresAt: $0.expiresAt) })
        }
    }

    @Test("600 random writes (update, status, rotation, delete, re-create, key revocation, a disabling completion) on 4 subscriptions: every read equals the plain reading")
    func againstPlainReads() async throws {
        let store = try SQLiteStore.temporary()
        var rng = SystemRandomNumberGenerator()
        try await store.insertKey(APIKeyRecord(id: "key_a", name: "a", prefix: "sqk_a", hash: KeyHash.sha256Hex("a"), createdAt: Self.t0))
        for n in 0..<4 { _ = try await store.create(Self.subscription(n), secret: SigningSecret(secret: "whsec_c\(n)", createdAt: Self.t0), idempotency: nil) }
        var now = Self.t0
        for step in 0..<600 {
            now = now.addingTimeInterval(Double(rng.next() % 600))
            let n = Int(rng.next() % 4)
            let id = "sub_cache\(n)"
            let existing = try await store.get(id: id, owner: "key_a")
            switch rng.next() % 7 {
            case 0:
                if var s = existing {
                    s.description = "step \(step)"
                    s.updatedAt = now
                    try await store.update(s)
                }
            case 1:
                if existing != nil { try await store.setStatus(id: id, status: rng.next() % 2 == 0 ? .active : .disabled, reason: "r\(step)", at: now) }
            case 2:
                if existing != nil {
                    try await store.rotateSecret(id: id, owner: "key_a", newSecret: SigningSecret(secret: "whsec_r\(step)", createdAt: now),
                                                 previousExpiresAt: now.addingTimeInterval(Double(rng.next() % 1_200)))
                }
            case 3:
                if existing != nil { _ = try await store.delete(id: id, owner: "key_a") } else {
                    _ = try await store.create(Self.subscription(n), secret: SigningSecret(secret: "whsec_n\(step)", createdAt: now), idempotency: nil)
                }
            case 4:
                if rng.next() % 10 == 0 {
                    try await store.insertKey(APIKeyRecord(id: "key_b\(step)", name: "b", prefix: "sqk_b", hash: KeyHash.sha256Hex("b\(step)"), createdAt: now))
                    _ = try await store.revokeKey(id: "key_a", at: now)
                    try await store.write { db in try db.execute(sql: "UPDATE api_keys SET revoked_at = NULL WHERE id = 'key_a'") }
                    // Written behind the store's back (as another process would): seen once the entry is old.
                    store.readCache.removeAll()
                }
            case 5:
                if existing?.status == .active {
                    _ = try await store.enqueue([(FlightEvent(id: "evt_c\(step)", type: .takeoff, at: now), [id])], now: now)
                    for c in try await store.claim(limit: 10, now: now, lease: .seconds(60)) {
                        try await store.complete([DeliveryCompletion(attempt: DeliveryAttempt(deliveryId: c.delivery.id, attempt: 1, at: now, statusCode: 410,
                                                                                              latencyMs: 1, responseSnippet: nil, error: "HTTP 410"),
                                                                     next: .disableSubscription(reason: "gone"), claim: c.delivery.leaseUntil)])
                    }
                }
            default:
                break
            }
            for m in 0..<4 {
                let expected = try await Self.plain(store, "sub_cache\(m)", owner: "key_a", now: now)
                let got = try await store.detail(id: "sub_cache\(m)", owner: "key_a", now: now)
                #expect(got?.0 == expected?.0, "step \(step): get of sub_cache\(m)")
                #expect(got?.1 == expected?.1, "step \(step): secret dates of sub_cache\(m)")
                #expect(try await store.get(id: "sub_cache\(m)", owner: "key_other") == nil, "another owner never sees it")
            }
        }
    }

    @Test("a change committed through another connection to the same file is seen once the data version is next checked")
    func otherProcess() async throws {
        let serving = try SQLiteStore.temporary()
        let other = try SQLiteStore(path: try #require(serving.path))
        _ = try await serving.create(Self.subscription(1), secret: SigningSecret(secret: "whsec_x", createdAt: Self.t0), idempotency: nil)
        #expect(try await serving.get(id: "sub_cache1", owner: "key_a")?.status == .active)
        try await other.setStatus(id: "sub_cache1", status: .disabled, reason: "from the CLI", at: Self.t0)
        let deadline = ContinuousClock.now + SubscriptionReadCache.checkInterval + .seconds(5)
        while try await serving.get(id: "sub_cache1", owner: "key_a")?.status != .disabled {
            #expect(ContinuousClock.now < deadline, "not seen after the next data version check")
            if ContinuousClock.now >= deadline { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test("the data version check: at most one per interval, none while one runs; a moved or unknown version drops every entry")
    func dataVersionCheck() {
        let cache = SubscriptionReadCache()
        let t = ContinuousClock.now
        let entry = SubscriptionReadCache.Entry(subscription: Self.subscription(1), secrets: [])
        #expect(cache.checkDue(now: t))
        #expect(!cache.checkDue(now: t), "one check at a time")
        cache.checked(dataVersion: 7, now: t)
        cache.store(entry, generation: cache.generation)
        #expect(!cache.checkDue(now: t + .milliseconds(100)), "not due within the interval")
        #expect(cache.checkDue(now: t + SubscriptionReadCache.checkInterval))
        cache.checked(dataVersion: 7, now: t + SubscriptionReadCache.checkInterval)
        #expect(cache.entry("sub_cache1", owner: "key_a") != nil, "an unchanged version keeps the entries")
        #expect(cache.entry("sub_cache1", owner: "key_b") == nil, "another owner never gets it")
        #expect(cache.checkDue(now: t + SubscriptionReadCache.checkInterval * 2))
        let before = cache.generation
        cache.checked(dataVersion: 8, now: t + SubscriptionReadCache.checkInterval * 2)
        #expect(cache.entry("sub_cache1", owner: "key_a") == nil, "a moved version drops it")
        #expect(cache.generation != before, "and a read that overlapped the check is not kept")
        cache.store(entry, generation: cache.generation)
        #expect(cache.checkDue(now: t + SubscriptionReadCache.checkInterval * 3))
        cache.checked(dataVersion: nil, now: t + SubscriptionReadCache.checkInterval * 3)
        #expect(cache.entry("sub_cache1", owner: "key_a") == nil, "a failed check drops it too")
    }
}
