import Foundation
import SquawkCore
import SquawkStore
import Testing

extension DeliveryStoreContract {
    /// A delivery ended `.expired(reason)` is stored `expired` with the reason as its last error
    /// and no attempt logged; it is finished (its group's next one goes on), listed by
    /// `status: .expired`, requeued by `recover` with the failed ones, and pruned like them.
    public static func expired(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0, format: .discord)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        let old = f.event(1, flight: "A"), next = f.event(2, flight: "A"), failing = f.event(3, flight: "B")
        #expect(try await store.enqueue([(old, [s.id]), (next, [s.id]), (failing, [s.id])], now: f.at(0)) == 3)
        let claimed = try await store.claim(limit: 10, now: f.at(0), lease: .seconds(60))
        let d = try #require(claimed.first { $0.event.id == old.id }).delivery
        let b = try #require(claimed.first { $0.event.id == failing.id }).delivery
        #expect(!claimed.contains { $0.event.id == next.id }, "behind the first of its group")
        let nothing = DeliveryAttempt(deliveryId: d.id, attempt: 0, at: f.at(1_000), statusCode: nil, latencyMs: 0, responseSnippet: nil, error: nil)
        try await store.complete([DeliveryCompletion(attempt: nothing, next: .expired(reason: "expired: the event is 1200 s old"), claim: d.leaseUntil),
                                  completion(b, attempt: 1, at: f.at(1_000), status: 500, next: .failed)])
        let stored = try #require(try await store.delivery(id: d.id, owner: f.owner))
        #expect(stored.status == .expired)
        #expect(stored.lastError == "expired: the event is 1200 s old")
        #expect(stored.completedAt == f.at(1_000) && stored.leaseUntil == nil && stored.attempts == 0)
        #expect(try await store.attempts(deliveryId: d.id).isEmpty)
        #expect(try await store.claim(limit: 10, now: f.at(2_000), lease: .seconds(60)).map(\.event.id) == [next.id], "the group goes on")
        let listed = try await store.deliveries(subscriptionId: s.id, owner: f.owner, status: .expired, after: nil, limit: 10)
        #expect(listed.items.map(\.id) == [d.id])
        #expect(try await store.queueStats(now: f.at(2_000)).pending == 0)

        #expect(try await store.recover(subscriptionId: s.id, owner: f.owner, since: f.at(0), now: f.at(3_000)) == 2, "the expired and the failed")
        #expect(try await store.delivery(id: d.id, owner: f.owner)?.status == .pending)
        // Expired again, then pruned with the finished ones.
        let again = try #require(try await store.claim(limit: 10, now: f.at(3_000), lease: .seconds(60)).first { $0.delivery.id == d.id })
        try await store.complete([DeliveryCompletion(attempt: DeliveryAttempt(deliveryId: d.id, attempt: 0, at: f.at(4_000), statusCode: nil, latencyMs: 0,
                                                                              responseSnippet: nil, error: nil),
                                                     next: .expired(reason: "expired: again"), claim: again.delivery.leaseUntil)])
        #expect(try await store.delivery(id: d.id, owner: f.owner)?.status == .expired)
        #expect(try await store.prune(before: f.at(5_000)) >= 1)
        #expect(try await store.delivery(id: d.id, owner: f.owner) == nil)
    }
}
