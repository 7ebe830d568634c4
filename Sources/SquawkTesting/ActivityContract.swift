import Foundation
import SquawkCore
import SquawkStore
import Testing

/// The contract of ``DeliveryActivityStore``: finished deliveries counted per minute by outcome,
/// only the owner's, from the given time; failing endpoints listed while they fail.
public enum ActivityContract {
    public typealias Store = any SubscriptionStore & DeliveryStore & DeliveryActivityStore
    public typealias Case = ContractCase<Store>

    public static let all: [Case] = [Case("activity") { try await activity($0) }]

    typealias Fixture = StoreContract.Fixture

    public static func activity(_ store: Store) async throws {
        let f = Fixture(), g = Fixture()
        let a = f.subscription(0), b = g.subscription(1)
        _ = try await store.create(a, secret: f.secret(0), idempotency: nil)
        _ = try await store.create(b, secret: g.secret(1), idempotency: nil)
        let events = (1...4).map { f.event($0, flight: "F\($0)") }
        let other = g.event(5, flight: "F5")
        _ = try await store.enqueue(events.map { ($0, [a.id]) } + [(other, [b.id])], now: f.at(0))
        let claimed = try await store.claim(limit: 10, now: f.at(0), lease: .seconds(600))
        func id(_ e: FlightEvent) throws -> String { try #require(claimed.first { $0.event.id == e.id }).delivery.id }
        func done(_ e: FlightEvent, _ n: Int, at ms: Int, status: Int?, _ next: DeliveryCompletion.Next) throws -> DeliveryCompletion {
            DeliveryCompletion(attempt: DeliveryAttempt(deliveryId: try id(e), attempt: n, at: f.at(ms), statusCode: status, latencyMs: 3,
                                                        responseSnippet: nil, error: status == 200 ? nil : "HTTP \(status ?? 0)"), next: next)
        }
        // Minute 1 (60–120 s): two delivered; minute 2: one failed (HTTP 500), one expired.
        try await store.complete([
            try done(events[0], 1, at: 61_000, status: 200, .delivered),
            try done(events[1], 1, at: 119_999, status: 200, .delivered),
            try done(events[2], 1, at: 125_000, status: 500, .failed),
            try done(events[3], 0, at: 130_000, status: nil, .expired(reason: "older than maxAge")),
            try done(other, 1, at: 61_500, status: 200, .delivered),
        ])
        let mine = try await store.activity(owner: f.owner, since: f.at(0))
        #expect(mine.minutes == [DeliveryActivity.Minute(start: f.at(60_000), delivered: 2),
                                 DeliveryActivity.Minute(start: f.at(120_000), failed: 1, expired: 1)])
        #expect(mine.failing == [DeliveryActivity.FailingEndpoint(subscriptionId: a.id, notifyEndpoint: a.notifyEndpoint, since: f.at(125_000))])
        let later = try await store.activity(owner: f.owner, since: f.at(120_000))
        #expect(later.minutes == [DeliveryActivity.Minute(start: f.at(120_000), failed: 1, expired: 1)])
        let theirs = try await store.activity(owner: g.owner, since: f.at(0))
        #expect(theirs.minutes == [DeliveryActivity.Minute(start: f.at(60_000), delivered: 1)])
        #expect(theirs.failing.isEmpty)
        // The event of a delivery, for its owner only.
        #expect(try await store.event(deliveryId: try id(events[2]), owner: f.owner) == events[2])
        #expect(try await store.event(deliveryId: try id(events[2]), owner: g.owner) == nil)
        #expect(try await store.event(deliveryId: "no such delivery", owner: f.owner) == nil)
        let all = try await store.activity(owner: nil, since: f.at(0))
        #expect(all.failing.contains { $0.subscriptionId == a.id })
        #expect(all.minutes.first { $0.start == f.at(60_000) }.map { $0.delivered >= 3 } == true)
    }
}
