import Foundation
import SquawkCore
import SquawkStore
import Testing

/// The contract every store backend passes (DESIGN.md rule 7): the semantics written in the
/// docs of ``SubscriptionStore`` and ``APIKeyStore``, as executable checks.
///
/// Each case takes a store and records failures with `#expect`/`#require`, so a backend's test
/// target runs them all with one parameterised test:
/// ```swift
/// @Test(arguments: StoreContract.all)
/// func contract(_ check: StoreContract.Case) async throws {
///     try await check.run(try SQLiteStore.temporary())
/// }
/// ```
/// The cases need not get an empty store: each uses fresh owners and ids and compares counts
/// before and after, so a backend may share one database between cases.
///
/// Dates are built on whole milliseconds; a backend must return them exactly (SQLite stores
/// unix seconds as REAL, Postgres `timestamptz` keeps microseconds).
public enum StoreContract {
    /// A store under test.
    public typealias Store = any SubscriptionStore & APIKeyStore

    /// One named check.
    public typealias Case = ContractCase<Store>

    /// Every check, in a stable order.
    public static let all: [Case] = [
        Case("createAndGet") { try await createAndGet($0) },
        Case("ownerIsolation") { try await ownerIsolation($0) },
        Case("idempotentCreate") { try await idempotentCreate($0) },
        Case("idempotencyConflict") { try await idempotencyConflict($0) },
        Case("pagination") { try await pagination($0) },
        Case("filters") { try await filters($0) },
        Case("update") { try await update($0) },
        Case("delete") { try await delete($0) },
        Case("rotateSecretOverlap") { try await rotateSecretOverlap($0) },
        Case("setStatusAndAllActive") { try await setStatusAndAllActive($0) },
        Case("constraintRejected") { try await constraintRejected($0) },
        Case("duplicateIdConflict") { try await duplicateIdConflict($0) },
        Case("concurrentCreates") { try await concurrentCreates($0) },
        Case("apiKeys") { try await apiKeys($0) },
    ]

    // MARK: - Create and read

    /// A created subscription reads back equal, with its one secret; unknown ids are nil.
    public static func createAndGet(_ store: Store) async throws {
        let f = Fixture()
        let before = try await store.count()
        let sub = f.subscription(0, target: SubscriptionTarget(kind: .airport, id: "KLAX"), events: [.takeoff, .landing],
                                 format: .discord, server: "Expert Server", description: "LAX movements",
                                 metadata: ["team": "ops", "url": "https://example.com/a/b"], expiresAt: f.at(86_400_000))
        let secret = f.secret(0)
        let (returned, created) = try await store.create(sub, secret: secret, idempotency: nil)
        #expect(created)
        #expect(returned == sub)
        #expect(try await store.get(id: sub.id, owner: f.owner) == sub)
        #expect(try await store.secrets(subscriptionId: sub.id, now: f.at(1)) == [secret])
        #expect(try await store.count() == before + 1)
        #expect(try await store.get(id: f.id(999), owner: f.owner) == nil)

        // Empty events, no optionals, every format and kind round-trip too.
        for (i, kind) in TargetKind.allCases.enumerated() {
            let format = PayloadFormat.allCases[i % PayloadFormat.allCases.count]
            let plain = f.subscription(10 + i, target: SubscriptionTarget(kind: kind, id: "T\(i)"), events: [], format: format)
            _ = try await store.create(plain, secret: f.secret(10 + i), idempotency: nil)
            #expect(try await store.get(id: plain.id, owner: f.owner) == plain)
        }
    }

    // MARK: - Owners

    /// Another owner's id behaves as if it did not exist, for every owner-scoped method.
    public static func ownerIsolation(_ store: Store) async throws {
        let a = Fixture(), b = Fixture()
        let sub = a.subscription(0)
        _ = try await store.create(sub, secret: a.secret(0), idempotency: nil)
        _ = try await store.create(b.subscription(1), secret: b.secret(1), idempotency: nil)

        #expect(try await store.get(id: sub.id, owner: b.owner) == nil)
        #expect(try await store.list(SubscriptionQuery(ownerKeyId: b.owner)).items.map(\.id) == [b.id(1)])
        #expect(try await store.list(SubscriptionQuery(ownerKeyId: a.owner)).items.map(\.id) == [sub.id])

        var stolen = sub
        stolen.ownerKeyId = b.owner
        stolen.notifyEndpoint = "https://evil.example/hook"
        await expectStoreError(.notFound) { try await store.update(stolen) }
        #expect(try await store.delete(id: sub.id, owner: b.owner) == false)
        await expectStoreError(.notFound) {
            try await store.rotateSecret(id: sub.id, owner: b.owner, newSecret: b.secret(5, at: 10), previousExpiresAt: b.at(20))
        }
        #expect(try await store.get(id: sub.id, owner: a.owner) == sub)
        #expect(try await store.secrets(subscriptionId: sub.id, now: a.at(10)) == [a.secret(0)])

        // Idempotency keys belong to their owner: the same key creates for each.
        let key = "key-\(UUID().uuidString)"
        let (_, createdA) = try await store.create(a.subscription(2), secret: a.secret(2),
                                                   idempotency: IdempotencyRecord(key: key, requestHash: "h1", subscriptionId: a.id(2)))
        let (_, createdB) = try await store.create(b.subscription(3), secret: b.secret(3),
                                                   idempotency: IdempotencyRecord(key: key, requestHash: "h2", subscriptionId: b.id(3)))
        #expect(createdA && createdB)
    }

    // MARK: - Idempotency

    /// Same owner, key and request hash: the first subscription comes back, `created: false`,
    /// nothing new is written. The record lives as long as its subscription.
    public static func idempotentCreate(_ store: Store) async throws {
        let f = Fixture()
        let key = "retry-\(UUID().uuidString)"
        let first = f.subscription(0)
        let (one, created1) = try await store.create(first, secret: f.secret(0), idempotency: IdempotencyRecord(key: key, requestHash: "abc", subscriptionId: first.id))
        #expect(created1)
        #expect(one == first)
        let count = try await store.count()

        // A retry builds a new id and secret; the store must answer with the original.
        let retry = f.subscription(1)
        let (two, created2) = try await store.create(retry, secret: f.secret(1), idempotency: IdempotencyRecord(key: key, requestHash: "abc", subscriptionId: retry.id))
        #expect(!created2)
        #expect(two == first)
        #expect(try await store.count() == count)
        #expect(try await store.get(id: retry.id, owner: f.owner) == nil)
        #expect(try await store.secrets(subscriptionId: first.id, now: f.at(5)) == [f.secret(0)])
        #expect(try await store.secrets(subscriptionId: retry.id, now: f.at(5)).isEmpty)

        // Deleting the subscription frees the key.
        #expect(try await store.delete(id: first.id, owner: f.owner))
        let third = f.subscription(2)
        let (three, created3) = try await store.create(third, secret: f.secret(2), idempotency: IdempotencyRecord(key: key, requestHash: "abc", subscriptionId: third.id))
        #expect(created3)
        #expect(three == third)
    }

    /// Same key with a different request hash is `.conflict`, and nothing is written.
    public static func idempotencyConflict(_ store: Store) async throws {
        let f = Fixture()
        let key = "conflict-\(UUID().uuidString)"
        let first = f.subscription(0)
        _ = try await store.create(first, secret: f.secret(0), idempotency: IdempotencyRecord(key: key, requestHash: "one", subscriptionId: first.id))
        let count = try await store.count()
        let other = f.subscription(1, notifyEndpoint: "https://other.example/hook")
        await expectStoreError(.conflict) {
            _ = try await store.create(other, secret: f.secret(1), idempotency: IdempotencyRecord(key: key, requestHash: "two", subscriptionId: other.id))
        }
        #expect(try await store.count() == count)
        #expect(try await store.get(id: other.id, owner: f.owner) == nil)
        #expect(try await store.secrets(subscriptionId: other.id, now: f.at(5)).isEmpty)
        #expect(try await store.get(id: first.id, owner: f.owner) == first)
    }

    // MARK: - Listing

    /// Cursor pagination by id: every row exactly once, in id order, `nextCursor` nil at the end,
    /// other owners' rows never included.
    public static func pagination(_ store: Store) async throws {
        let mine = Fixture(), theirs = Fixture()
        var expected: [String] = []
        // Inserted out of order and interleaved with another owner's rows.
        for i in (0..<25).reversed() {
            let sub = mine.subscription(i)
            expected.append(sub.id)
            _ = try await store.create(sub, secret: mine.secret(i), idempotency: nil)
            if i % 8 == 0 { _ = try await store.create(theirs.subscription(i), secret: theirs.secret(i), idempotency: nil) }
        }
        expected.sort()

        var seen: [String] = []
        var pages: [Int] = []
        var cursor: String?
        repeat {
            let page = try await store.list(SubscriptionQuery(ownerKeyId: mine.owner, after: cursor, limit: 10))
            seen += page.items.map(\.id)
            pages.append(page.items.count)
            if let next = page.nextCursor { #expect(next == page.items.last?.id) }
            cursor = page.nextCursor
        } while cursor != nil && pages.count < 10
        #expect(seen == expected)
        #expect(pages == [10, 10, 5])

        // A page that ends exactly at the last row has no next cursor.
        let exact = try await store.list(SubscriptionQuery(ownerKeyId: mine.owner, after: expected[19], limit: 5))
        #expect(exact.items.map(\.id) == Array(expected[20...]))
        #expect(exact.nextCursor == nil)
        // A cursor past the end gives an empty last page.
        let past = try await store.list(SubscriptionQuery(ownerKeyId: mine.owner, after: expected[24], limit: 5))
        #expect(past.items.isEmpty && past.nextCursor == nil)
        // Items come back whole.
        let whole = try await store.list(SubscriptionQuery(ownerKeyId: mine.owner, limit: 1))
        #expect(whole.items == [mine.subscription(0)])
        #expect(whole.nextCursor == expected[0])
    }

    /// Filters by kind, target id, status and format, alone and together, with pagination.
    public static func filters(_ store: Store) async throws {
        let f = Fixture()
        let rows: [Subscription] = [
            f.subscription(0, target: SubscriptionTarget(kind: .airport, id: "KLAX"), format: .json),
            f.subscription(1, target: SubscriptionTarget(kind: .airport, id: "EGLL"), format: .slack),
            f.subscription(2, target: SubscriptionTarget(kind: .callsign, id: "DAL*"), format: .json),
            f.subscription(3, target: SubscriptionTarget(kind: .airport, id: "KLAX"), format: .discord, status: .disabled),
            f.subscription(4, target: SubscriptionTarget(kind: .flight, id: "f-1"), format: .flifo),
            f.subscription(5, target: SubscriptionTarget(kind: .airport, id: "KLAX"), format: .json),
        ]
        for (i, row) in rows.enumerated() { _ = try await store.create(row, secret: f.secret(i), idempotency: nil) }
        func ids(_ q: SubscriptionQuery) async throws -> [Int] {
            try await store.list(q).items.map { sub in rows.firstIndex { $0.id == sub.id } ?? -1 }
        }
        #expect(try await ids(SubscriptionQuery(ownerKeyId: f.owner, targetKind: .airport)) == [0, 1, 3, 5])
        #expect(try await ids(SubscriptionQuery(ownerKeyId: f.owner, targetKind: .airport, targetId: "KLAX")) == [0, 3, 5])
        #expect(try await ids(SubscriptionQuery(ownerKeyId: f.owner, targetId: "DAL*")) == [2])
        #expect(try await ids(SubscriptionQuery(ownerKeyId: f.owner, status: .disabled)) == [3])
        #expect(try await ids(SubscriptionQuery(ownerKeyId: f.owner, status: .active)) == [0, 1, 2, 4, 5])
        #expect(try await ids(SubscriptionQuery(ownerKeyId: f.owner, format: .json)) == [0, 2, 5])
        #expect(try await ids(SubscriptionQuery(ownerKeyId: f.owner, targetKind: .airport, targetId: "KLAX", status: .active, format: .json)) == [0, 5])
        #expect(try await ids(SubscriptionQuery(ownerKeyId: f.owner, targetKind: .server)) == [])
        // Filters and cursor together.
        let first = try await store.list(SubscriptionQuery(ownerKeyId: f.owner, targetKind: .airport, limit: 2))
        #expect(first.items.map(\.id) == [rows[0].id, rows[1].id])
        let second = try await store.list(SubscriptionQuery(ownerKeyId: f.owner, targetKind: .airport, after: first.nextCursor, limit: 2))
        #expect(second.items.map(\.id) == [rows[3].id, rows[5].id])
        #expect(second.nextCursor == nil)
    }

    // MARK: - Invariants

    /// A row breaking a schema invariant (endpoint over 256 characters) is `.constraint`, and
    /// nothing of the create is left: no row, no secret, no idempotency record.
    public static func constraintRejected(_ store: Store) async throws {
        let f = Fixture()
        let count = try await store.count()
        let key = "long-\(UUID().uuidString)"
        let ok = f.subscription(0, notifyEndpoint: "https://example.com/" + String(repeating: "a", count: 256 - 20))
        #expect(ok.notifyEndpoint.count == 256)
        let long = f.subscription(1, notifyEndpoint: ok.notifyEndpoint + "a")
        await expectStoreError(.constraint) {
            _ = try await store.create(long, secret: f.secret(1), idempotency: IdempotencyRecord(key: key, requestHash: "long", subscriptionId: long.id))
        }
        #expect(try await store.count() == count)
        #expect(try await store.get(id: long.id, owner: f.owner) == nil)
        #expect(try await store.secrets(subscriptionId: long.id, now: f.at(5)).isEmpty)
        // The key was not consumed: a different body under it creates.
        let (_, created) = try await store.create(ok, secret: f.secret(0), idempotency: IdempotencyRecord(key: key, requestHash: "ok", subscriptionId: ok.id))
        #expect(created)
        #expect(try await store.get(id: ok.id, owner: f.owner) == ok)

        // An update breaking the invariant leaves the row as it was.
        var bad = ok
        bad.notifyEndpoint += "b"
        await expectStoreError(.constraint) { try await store.update(bad) }
        #expect(try await store.get(id: ok.id, owner: f.owner) == ok)
    }

    /// Creating an id that exists is `.conflict`, and the existing row is untouched.
    public static func duplicateIdConflict(_ store: Store) async throws {
        let f = Fixture()
        let sub = f.subscription(0)
        _ = try await store.create(sub, secret: f.secret(0), idempotency: nil)
        var twin = sub
        twin.notifyEndpoint = "https://twin.example/"
        await expectStoreError(.conflict) { _ = try await store.create(twin, secret: f.secret(1), idempotency: nil) }
        #expect(try await store.get(id: sub.id, owner: f.owner) == sub)
        #expect(try await store.secrets(subscriptionId: sub.id, now: f.at(5)) == [f.secret(0)])
    }

    /// 20 tasks creating at once: every create lands, once.
    public static func concurrentCreates(_ store: Store) async throws {
        let f = Fixture()
        let before = try await store.count()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<20 {
                group.addTask {
                    for j in 0..<5 {
                        let n = task * 5 + j
                        _ = try await store.create(f.subscription(n), secret: f.secret(n),
                                                   idempotency: IdempotencyRecord(key: "k\(n)", requestHash: "h", subscriptionId: f.id(n)))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.count() == before + 100)
        let listed = try await store.list(SubscriptionQuery(ownerKeyId: f.owner, limit: 1_000)).items.map(\.id)
        #expect(listed == (0..<100).map { f.id($0) }.sorted())
    }

    // MARK: - API keys

    /// Keys are found by hash until revoked; revocation happens once; listing keeps revoked keys;
    /// a duplicate hash is `.conflict`.
    public static func apiKeys(_ store: Store) async throws {
        let f = Fixture()
        let one = APIKeyRecord(id: f.id(1, prefix: "key"), name: "ci", prefix: "sqk_abcd1234", hash: f.hash("one"), createdAt: f.at(0))
        let two = APIKeyRecord(id: f.id(2, prefix: "key"), name: "dashboard", prefix: "sqk_efgh5678", hash: f.hash("two"), createdAt: f.at(1))
        try await store.insertKey(one)
        try await store.insertKey(two)
        #expect(try await store.key(hash: one.hash) == one)
        #expect(try await store.key(hash: f.hash("three")) == nil)
        #expect(try await store.key(id: two.id) == two)
        #expect(try await store.key(id: f.id(3, prefix: "key")) == nil)
        let listed = try await store.listKeys().filter { [one.id, two.id].contains($0.id) }
        #expect(listed == [one, two])

        #expect(try await store.revokeKey(id: one.id, at: f.at(10)))
        #expect(try await store.key(hash: one.hash) == nil)
        #expect(try await store.key(hash: two.hash) == two)
        #expect(try await store.revokeKey(id: one.id, at: f.at(20)) == false)
        #expect(try await store.revokeKey(id: f.id(3, prefix: "key"), at: f.at(20)) == false)
        var revoked = one
        revoked.revokedAt = f.at(10)
        #expect(try await store.listKeys().first { $0.id == one.id } == revoked)
        #expect(try await store.key(id: one.id) == revoked, "found by id, revoked too")

        let clash = APIKeyRecord(id: f.id(4, prefix: "key"), name: "clash", prefix: "sqk_x", hash: two.hash, createdAt: f.at(2))
        await expectStoreError(.conflict) { try await store.insertKey(clash) }
        #expect(try await store.listKeys().contains { $0.id == clash.id } == false)
    }

    // MARK: - Helpers

    /// Records an issue unless `body` throws a ``StoreError`` with `code`.
    static func expectStoreError(_ code: StoreError.Code, sourceLocation: SourceLocation = #_sourceLocation,
                                 _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected StoreError(\(code.rawValue)), nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as StoreError {
            #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected StoreError(\(code.rawValue)), got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Values for one owner: a fresh owner id, time-ordered ids, whole-millisecond dates.
    struct Fixture: Sendable {
        let owner = "key_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        /// Unique per fixture, so fixtures never collide in a shared database.
        let salt = String(UUID().uuidString.lowercased().prefix(8))
        /// 2026-01-01T00:00:00Z in milliseconds.
        let baseMilliseconds = 1_767_225_600_000

        /// A date `ms` milliseconds after the base, exact in a Double of unix seconds.
        func at(_ ms: Int) -> Date { Date(timeIntervalSince1970: Double(baseMilliseconds + ms) / 1000) }

        /// The n-th id of this fixture; ids sort by `n`.
        func id(_ n: Int) -> String { id(n, prefix: "sub") }
        func id(_ n: Int, prefix: String) -> String {
            let digits = String(n)
            return "\(prefix)_\(salt)\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
        }

        func hash(_ s: String) -> String { KeyHash.sha256Hex(salt + s) }

        func secret(_ n: Int, at ms: Int = 0) -> SigningSecret {
            SigningSecret(secret: "whsec_" + Data("secret-\(salt)-\(n)".utf8).base64EncodedString(), createdAt: at(ms))
        }

        func subscription(
            _ n: Int, target: SubscriptionTarget = SubscriptionTarget(kind: .callsign, id: "DAL40"),
            events: Set<EventType> = [.takeoff, .landing], notifyEndpoint: String = "https://hooks.example.com/squawk",
            format: PayloadFormat = .json, server: String? = nil, description: String? = nil,
            metadata: [String: String] = [:], status: SubscriptionStatus = .active, expiresAt: Date? = nil
        ) -> Subscription {
            // Every third carries delivery options, so every case round-trips them through the store.
            Subscription(
                id: id(n), ownerKeyId: owner, target: target, server: server, events: events, notifyEndpoint: notifyEndpoint,
                format: format, delivery: n % 3 == 1 ? DeliveryOptions(maxPerMinute: 6 + n, maxAge: 600) : DeliveryOptions(),
                description: description, metadata: metadata, status: status,
                disabledReason: status == .disabled ? "disabled by the test" : nil, createdAt: at(n), updatedAt: at(n),
                expiresAt: expiresAt)
        }
    }
}
