import Foundation
import SquawkCore
import SquawkStore
import Testing

/// The contract every ``ChatCardStore`` backend passes: cards round-trip and are replaced, the
/// look-ahead returns exactly the unfinished deliveries behind one in its ordering group, and a
/// card goes with its subscription and with pruning. Like ``DeliveryStoreContract``, each case
/// needs a store without deliveries.
public enum CardStoreContract {
    public typealias Store = any SubscriptionStore & DeliveryStore & ChatCardStore & NewDeliveryHold
    public typealias Case = ContractCase<Store>

    public static let all: [Case] = [
        Case("roundTrip") { try await roundTrip($0) },
        Case("lookAhead") { try await lookAhead($0) },
        Case("lifetime") { try await lifetime($0) },
        Case("newDeliveryHold") { try await newDeliveryHold($0) },
    ]

    typealias Fixture = StoreContract.Fixture

    static func card(_ f: Fixture, flight: String, sequence: Int64, ms: Int) -> FlightCard {
        var e = f.event(Int(sequence), type: .takeoff, flight: flight, airport: "KLAX", data: ["altitude": 1_200, "groundSpeed": 160.5])
        e.callsign = "DAL40 \"Heavy\" ✈︎"
        e.at = f.at(ms)
        return FlightCard(e, sequence: sequence)!
    }

    /// A saved card reads back equal; saving again replaces it (message id, state, time); cards
    /// are per subscription and flight; a subscription that does not exist gets no card.
    public static func roundTrip(_ store: Store) async throws {
        let f = Fixture()
        let a = f.subscription(0, format: .discord), b = f.subscription(1, format: .discord)
        for (i, s) in [a, b].enumerated() { _ = try await store.create(s, secret: f.secret(i), idempotency: nil) }
        #expect(try await store.card(subscriptionId: a.id, flightId: "F1") == nil)
        let first = StoredCard(subscriptionId: a.id, flightId: "F1", messageId: nil, card: card(f, flight: "F1", sequence: 1, ms: 1_000),
                               updatedAt: f.at(1_500))
        try await store.saveCard(first)
        #expect(try await store.card(subscriptionId: a.id, flightId: "F1") == first)
        var second = first
        second.messageId = "1300000000000000777"
        second.card.merge(f.event(2, type: .landing, flight: "F1", airport: "KJFK", data: ["touchdownRate": -182.5]), sequence: 2)
        second.updatedAt = f.at(9_000)
        try await store.saveCard(second)
        #expect(try await store.card(subscriptionId: a.id, flightId: "F1") == second)
        #expect(try await store.card(subscriptionId: b.id, flightId: "F1") == nil)
        #expect(try await store.card(subscriptionId: a.id, flightId: "F2") == nil)
        try await store.saveCard(StoredCard(subscriptionId: f.id(99), flightId: "F1", messageId: "1", card: first.card, updatedAt: f.at(0)))
        #expect(try await store.card(subscriptionId: f.id(99), flightId: "F1") == nil)
    }

    /// `pendingEvents` returns the pending and inflight deliveries of the group after a
    /// sequence, ascending, limited; not finished ones, not other groups or subscriptions.
    public static func lookAhead(_ store: Store) async throws {
        let f = Fixture()
        let a = f.subscription(0, format: .discord), b = f.subscription(1, format: .discord)
        for (i, s) in [a, b].enumerated() { _ = try await store.create(s, secret: f.secret(i), idempotency: nil) }
        let events = (1...6).map { f.event($0, type: $0 % 2 == 0 ? .landing : .takeoff, flight: "F1", data: ["altitude": .number(Double($0))]) }
        let other = f.event(7, flight: "F2")
        _ = try await store.enqueue(events.map { ($0, [a.id, b.id]) } + [(other, [a.id])], now: f.at(0))
        let claimed = try await store.claim(limit: 10, now: f.at(0), lease: .seconds(60))
        let head = try #require(claimed.first { $0.subscription.id == a.id && $0.event.id == events[0].id })
        // The first one of the group is delivered: it is no longer waiting.
        try await store.complete([DeliveryCompletion(attempt: DeliveryAttempt(deliveryId: head.delivery.id, attempt: 1, at: f.at(10), statusCode: 200,
                                                                               latencyMs: 1, responseSnippet: nil, error: nil), next: .delivered)])
        let next = try #require(try await store.claim(limit: 10, now: f.at(20), lease: .seconds(60)).first { $0.subscription.id == a.id && $0.event.id == events[1].id })
        let behind = try await store.pendingEvents(orderingKey: next.delivery.orderingKey, after: next.delivery.sequence, limit: 10)
        #expect(behind.map(\.event) == Array(events[2...]))
        #expect(behind.map(\.sequence) == Array(behind.map(\.sequence)).sorted())
        #expect(behind.allSatisfy { $0.sequence > next.delivery.sequence })
        // From before the head: the inflight one too, not the delivered one.
        let all = try await store.pendingEvents(orderingKey: head.delivery.orderingKey, after: 0, limit: 10)
        #expect(all.map(\.event) == Array(events[1...]))
        #expect(try await store.pendingEvents(orderingKey: head.delivery.orderingKey, after: 0, limit: 2).map(\.event) == Array(events[1...2]))
        #expect(try await store.pendingEvents(orderingKey: head.delivery.orderingKey, after: 0, limit: 0).isEmpty)
        #expect(try await store.pendingEvents(orderingKey: "no such group", after: 0, limit: 10).isEmpty)
    }

    /// A card goes when its subscription is deleted, and when pruned after its last update.
    public static func lifetime(_ store: Store) async throws {
        let f = Fixture()
        let a = f.subscription(0, format: .discord), b = f.subscription(1, format: .discord)
        for (i, s) in [a, b].enumerated() { _ = try await store.create(s, secret: f.secret(i), idempotency: nil) }
        for (s, flight, ms) in [(a, "F1", 1_000), (b, "F1", 1_000), (b, "F2", 900_000)] {
            try await store.saveCard(StoredCard(subscriptionId: s.id, flightId: flight, messageId: "42", card: card(f, flight: flight, sequence: 1, ms: ms),
                                                updatedAt: f.at(ms)))
        }
        #expect(try await store.delete(id: a.id, owner: f.owner))
        #expect(try await store.card(subscriptionId: a.id, flightId: "F1") == nil)
        _ = try await store.prune(before: f.at(500_000))
        #expect(try await store.card(subscriptionId: b.id, flightId: "F1") == nil, "last updated before the cutoff")
        #expect(try await store.card(subscriptionId: b.id, flightId: "F2") != nil)
    }

    /// Deliveries enqueued while a subscription's hold is ahead are due at the hold; once it is
    /// past, at once again; other subscriptions are not affected; an unknown id is skipped; an
    /// update of the subscription clears it.
    public static func newDeliveryHold(_ store: Store) async throws {
        let f = Fixture()
        let a = f.subscription(0, format: .discord), b = f.subscription(1, format: .discord)
        for (i, s) in [a, b].enumerated() { _ = try await store.create(s, secret: f.secret(i), idempotency: nil) }
        try await store.holdNewDeliveries([a.id: f.at(60_000), f.id(99): f.at(60_000)])
        let e1 = f.event(1, flight: "A"), e2 = f.event(2, flight: "B"), e3 = f.event(3, flight: "C")
        _ = try await store.enqueue([(e1, [a.id, b.id])], now: f.at(1_000))
        func due(_ s: Subscription, _ e: FlightEvent) async throws -> Date? {
            try await store.deliveries(subscriptionId: s.id, owner: f.owner, status: nil, after: nil, limit: 100).items.first { $0.eventId == e.id }?.nextAttemptAt
        }
        #expect(try await due(a, e1) == f.at(60_000))
        #expect(try await due(b, e1) == f.at(1_000))
        #expect(try await store.claim(limit: 10, now: f.at(59_999), lease: .seconds(60)).map(\.subscription.id) == [b.id], "not due before the hold")
        try await store.holdNewDeliveries([a.id: f.at(30_000)])
        _ = try await store.enqueue([(e2, [a.id])], now: f.at(40_000))
        #expect(try await due(a, e2) == f.at(40_000), "a hold already past changes nothing")
        try await store.holdNewDeliveries([a.id: f.at(90_000)])
        _ = try await store.enqueue([(e3, [a.id])], now: f.at(50_000))
        #expect(try await due(a, e3) == f.at(90_000), "a later call replaces the date")
        // A change to the subscription (here its endpoint) clears it.
        var moved = a
        moved.notifyEndpoint = "https://discord.com/api/webhooks/2/moved"
        moved.updatedAt = f.at(50_000)
        try await store.update(moved)
        let e4 = f.event(4, flight: "D")
        _ = try await store.enqueue([(e4, [a.id])], now: f.at(51_000))
        #expect(try await due(a, e4) == f.at(51_000))
    }
}
