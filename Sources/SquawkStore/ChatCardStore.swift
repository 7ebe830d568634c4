import Foundation
import SquawkCore

/// A live card as stored: the flight's ``FlightCard`` and the id of the Discord message that
/// shows it (nil until a post returned one, or after the message was found deleted).
public struct StoredCard: Sendable, Hashable {
    public var subscriptionId: String
    public var flightId: String
    public var messageId: String?
    /// The state the message shows: everything up to `card.sequence` is on it.
    public var card: FlightCard
    public var updatedAt: Date

    public init(subscriptionId: String, flightId: String, messageId: String?, card: FlightCard, updatedAt: Date) {
        self.subscriptionId = subscriptionId
        self.flightId = flightId
        self.messageId = messageId
        self.card = card
        self.updatedAt = updatedAt
    }
}

/// Where the live cards of `discord` subscriptions live, and the look-ahead that lets one edit
/// carry every pending event of a flight. A card goes with its subscription, and with
/// ``DeliveryStore/prune(before:)`` once it was last updated before the retention.
public protocol ChatCardStore: Sendable {
    func card(subscriptionId: String, flightId: String) async throws -> StoredCard?
    /// Inserts or replaces the card of (`subscriptionId`, `flightId`).
    func saveCard(_ card: StoredCard) async throws
    /// The events of the unfinished deliveries of ordering group `orderingKey` whose sequence is
    /// above `sequence`, ascending, at most `limit`: what is already waiting behind a delivery.
    func pendingEvents(orderingKey: String, after sequence: Int64, limit: Int) async throws -> [(event: FlightEvent, sequence: Int64)]
}

/// A hint that keeps a busy chat channel's new deliveries from being claimed only to be put
/// back: the dispatcher names, per subscription, the slot its waiting messages are promised,
/// and deliveries enqueued before then are due at it instead of at once. Then a message goes
/// out after one claim, not two. Only a hint: the dispatcher's budget still decides what goes;
/// a time already past changes nothing, and any change to the subscription (its endpoint, its
/// format, its pace) clears it.
public protocol NewDeliveryHold: Sendable {
    /// New deliveries of each subscription enqueued before its date are due at it (a later
    /// call replaces the date; a subscription that no longer exists is skipped).
    func holdNewDeliveries(_ until: [String: Date]) async throws
}

extension DeliveryStoreDecorator {
    /// The base store's hold, when it keeps one: a decorator that declares ``NewDeliveryHold``
    /// passes it on without writing it out.
    public func holdNewDeliveries(_ until: [String: Date]) async throws {
        try await (base as? any NewDeliveryHold)?.holdNewDeliveries(until)
    }
}
