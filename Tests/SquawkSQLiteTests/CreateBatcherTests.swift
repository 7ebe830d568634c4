import Foundation
import GRDB
import SquawkCore
@testable import SquawkSQLite
import SquawkStore
import Testing

/// Group commit of creates against the plain reading: the same requests, one transaction each.
@Suite("SQLite group commit of creates")
struct CreateBatcherTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func request(_ n: Int, idempotency: (key: String, hash: String)? = nil) -> CreateBatcher.Request {
        let s = Subscription(id: "sub_batch\(n)", ownerKeyId: "key_a", target: SubscriptionTarget(kind: .callsign, id: "DAL\(n)"), events: [.takeoff],
                             notifyEndpoint: "https://hooks.example.com/\(n)", format: .json, createdAt: t0)
        return CreateBatcher.Request(subscription: s, secret: SigningSecret(secret: "whsec_\(n)", createdAt: t0),
                                     idempotency: idempotency.map { IdempotencyRecord(key: $0.key, requestHash: $0.hash, subscriptionId: s.id) })
    }

    /// An outcome reduced to what a caller sees: the subscription id and created, or the error code.
    static func seen(_ o: CreateBatcher.Outcome) -> String {
        switch o {
        case .success(let (s, created)): "\(s.id) created=\(created)"
        case .failure(let e as StoreError): "error \(e.code)"
        case .failure(let e): "error \(e)"
        }
    }

    static func stored(_ store: SQLiteStore) async throws -> [String] {
        try await store.read { db in try String.fetchAll(db, sql: "SELECT id || ' ' || (SELECT count(*) FROM subscription_secrets WHERE subscription_id = subscriptions.id) FROM subscriptions ORDER BY id") }
    }

    @Test("200 random batches of creates (duplicate ids, idempotent replays, reused keys with another body): the same outcomes and rows as one transaction per create")
    func againstOneTransactionEach() async throws {
        var rng = SystemRandomNumberGenerator()
        for round in 0..<200 {
            let batch = (0..<Int.random(in: 1...12, using: &rng)).map { _ -> CreateBatcher.Request in
                let n = Int.random(in: 0..<8, using: &rng)
                guard Bool.random(using: &rng) else { return Self.request(n) }
                return Self.request(n, idempotency: ("k\(Int.random(in: 0..<3, using: &rng))", "h\(Int.random(in: 0..<2, using: &rng))"))
            }
            let grouped = try SQLiteStore.temporary()
            let plain = try SQLiteStore.temporary()
            let outcomes = await grouped.commitCreates(batch).map(Self.seen)
            var expected: [String] = []
            for request in batch {
                expected.append(Self.seen(await plain.commitCreates([request])[0]))
            }
            #expect(outcomes == expected, "round \(round)")
            #expect(try await Self.stored(grouped) == (try await Self.stored(plain)), "round \(round)")
        }
    }

    @Test("300 concurrent creates: each answered with its own subscription, all committed, in fewer transactions")
    func concurrent() async throws {
        let store = try SQLiteStore.temporary()
        let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for n in 0..<300 {
                group.addTask {
                    let r = Self.request(n)
                    return (n, try await store.create(r.subscription, secret: r.secret, idempotency: nil).0.id)
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 300)
        #expect(results.allSatisfy { $0.value == "sub_batch\($0.key)" })
        #expect(try await Self.stored(store).count == 300)
        #expect(store.creates.batches < 300, "\(store.creates.batches) transactions")
        #expect(store.creates.batches > 0)
        // A duplicate among waiting creates fails alone.
        let dup = Self.request(7)
        await #expect(throws: StoreError.self) { try await store.create(dup.subscription, secret: dup.secret, idempotency: nil) }
    }
}
