import Foundation
import Logging
import Metrics
import SquawkCore
import SquawkStore

/// From the diff engine's events to durable deliveries: match each event against the live
/// subscriptions, write events and delivery rows in one transaction (DESIGN.md flow 4), then
/// end `flight` subscriptions whose flight has gone offline.
public struct EventPipeline: Sendable {
    let deliveries: any DeliveryStore
    let subscriptions: any SubscriptionStore
    let live: LiveSubscriptions
    let logger: Logger
    /// Told after deliveries were enqueued (wakes an idle dispatcher).
    let onEnqueued: @Sendable () -> Void
    /// Hears every event detected, matched or not (the console's live feed).
    let feed: EventFeed?

    public init(deliveries: any DeliveryStore, subscriptions: any SubscriptionStore, live: LiveSubscriptions,
                logger: Logger = Logger(label: "squawk.pipeline"), feed: EventFeed? = nil, onEnqueued: @escaping @Sendable () -> Void = {}) {
        self.feed = feed
        self.deliveries = deliveries
        self.subscriptions = subscriptions
        self.live = live
        self.logger = logger
        self.onEnqueued = onEnqueued
    }

    /// Enqueues deliveries for `events` and, in the same transaction, saves `commit`'s states
    /// (under its fence, see ``PollCommit``); returns how many deliveries were created.
    @discardableResult
    public func publish(_ events: [FlightEvent], now: Date, commit: PollCommit? = nil) async throws -> Int {
        guard !events.isEmpty || commit != nil else { return 0 }
        for e in events { Counter(label: "squawk_events_total", dimensions: [("type", e.type.rawValue)]).increment() }
        let matches = live.match(events)
        let batch = zip(events, matches).filter { !$0.1.isEmpty }.map { (event: $0.0, subscriptionIds: $0.1) }
        let created = batch.isEmpty && commit == nil ? 0 : try await deliveries.enqueue(batch, now: now, commit: commit)
        Counter(label: "squawk_deliveries_enqueued_total").increment(by: created)
        if created > 0 { onEnqueued() }
        feed?.publish(events)
        try await endFinishedFlights(batch, now: now)
        return created
    }

    /// A `flight` subscription ends by itself once its flight has gone offline (after that last
    /// event was enqueued): it expires, so nothing more matches it, and it is no longer polled for.
    func endFinishedFlights(_ batch: [(event: FlightEvent, subscriptionIds: [String])], now: Date) async throws {
        for (event, ids) in batch where event.type == .flightOffline {
            for id in ids {
                guard let interest = live.interest(id: id), interest.kind == .flight,
                      interest.expiresAt.map({ $0 > event.at }) ?? true,
                      var sub = try await subscriptions.get(id: id, owner: interest.owner) else { continue }
                sub.expiresAt = event.at
                sub.updatedAt = now
                try await subscriptions.update(sub)
                live.apply(.upserted(sub))
                logger.info("flight subscription ended with its flight", metadata: ["subscription": "\(id)"])
            }
        }
    }
}
