import Foundation
import Metrics
import SquawkCore
import SquawkHTTP
import SquawkStore

/// Live cards (`"card": "live"` on a `discord` subscription): a flight's first event posts one
/// message with `?wait=true` and keeps its id; later events edit it (`PATCH …/messages/{id}`).
///
/// **Coalescing.** A flight's deliveries are sent one at a time (one ordering group), so when
/// one gets its slot, the edit carries the newest state: its own event and every event already
/// waiting behind it (``ChatCardStore/pendingEvents(orderingKey:after:limit:)``). Those later
/// deliveries, when their turn comes, find the card already showing them and end delivered
/// without a request, naming the message that carried them. Every post and edit takes a slot
/// of the webhook's budget like any other message.
extension Dispatcher {
    /// A card request in flight: the state it shows and the card as stored before it.
    struct CardSend {
        var card: FlightCard
        var stored: StoredCard?
        var edit: Bool
    }

    enum CardStep {
        case done(DeliveryCompletion)
        case send(HTTPRequest, CardSend)
    }

    /// Events of one flight that a live card shows (a flight's; FLS legs and ATC keep messages).
    static func onCard(_ c: ClaimedDelivery) -> Bool {
        c.subscription.status == .active && c.subscription.format == .discord && c.subscription.delivery.card == .live
            && c.event.flightId != nil && !c.event.type.isFLS && c.event.type != .subscriptionTest
    }

    /// At most this many waiting events are folded into one edit.
    static let cardLookAhead = 200

    /// What to do with `c`, a delivery of a card flight: end it (already shown; paced; the store
    /// unavailable) or send the post or edit carrying the newest state.
    func prepareCard(_ c: ClaimedDelivery, cards: any ChatCardStore, now: Date, deadline: Date?, startBy: Date?) async -> CardStep {
        let sub = c.subscription
        guard let flightId = c.event.flightId else { return .done(Self.putBack(c, at: now, dueAt: now)) }
        let stored: StoredCard?
        let waiting: [(event: FlightEvent, sequence: Int64)]
        do {
            stored = try await cards.card(subscriptionId: sub.id, flightId: flightId)
            if let stored, let message = stored.messageId, stored.card.sequence >= c.delivery.sequence {
                return .done(Self.carried(c, message: message, at: now))
            }
            waiting = try await cards.pendingEvents(orderingKey: c.delivery.orderingKey, after: c.delivery.sequence, limit: Self.cardLookAhead)
        } catch {
            logger.warning("live card unavailable; the delivery waits", metadata: ["subscription": "\(sub.id)", "error": "\(error)"])
            return .done(Self.putBack(c, at: now, dueAt: now.addingTimeInterval(5)))
        }
        let key = "card:" + sub.id + " " + flightId
        let later = state.withLockedValue {
            $0.limiter.acquire(sub.notifyEndpoint, format: sub.format, perMinute: sub.delivery.maxPerMinute, delivery: key, now: now, reserve: true)
        }
        if let later { return .done(Self.putBack(c, at: now, dueAt: later)) }
        if let held = await sharedBudgetRefusal(sub, now: now) { return .done(Self.putBack(c, at: now, dueAt: held)) }
        guard var card = stored?.card ?? FlightCard(c.event, sequence: c.delivery.sequence, airports: renderer.airports) else {
            return .done(Self.putBack(c, at: now, dueAt: now))
        }
        card.merge(c.event, sequence: c.delivery.sequence, airports: renderer.airports)
        for w in waiting { card.merge(w.event, sequence: w.sequence, airports: renderer.airports) }
        let message = stored?.messageId
        let body = renderer.renderCard(card, edit: message != nil, mentions: sub.delivery.mentions)
        let request = request(c, body: body, now: now, deadline: deadline, startBy: startBy,
                              method: message == nil ? .post : .patch, url: Self.cardURL(sub.notifyEndpoint, message: message))
        return .send(request, CardSend(card: card, stored: stored, edit: message != nil))
    }

    /// Records what a card request did: a post's message id and the state shown are saved; an
    /// edit of a message that no longer exists (404) forgets the id, and the delivery is due
    /// again at once to post a new card. Anything else is an attempt like any other.
    func concludeCard(_ c: ClaimedDelivery, _ send: CardSend, _ exchange: HTTPExchange, cards: any ChatCardStore,
                      now: Date) async -> (DeliveryCompletion, OperationalEvent?) {
        let sub = c.subscription
        guard case .success(let response) = exchange.result else { return conclude(c, exchange, now: now) }
        if send.edit, response.status == 404, var stored = send.stored {
            stored.messageId = nil
            stored.updatedAt = now
            do { try await cards.saveCard(stored) } catch { return conclude(c, exchange, now: now) }
            let attempt = DeliveryAttempt(deliveryId: c.delivery.id, attempt: c.delivery.attempts + 1, at: now, statusCode: 404, latencyMs: 0,
                                          responseSnippet: String(decoding: response.body.prefix(1024), as: UTF8.self),
                                          error: "the live card's message is gone; a new card is posted")
            Counter(label: "squawk_live_cards_total", dimensions: [("outcome", "reposted")]).increment()
            return (DeliveryCompletion(attempt: attempt, next: .retry(at: now)), nil)
        }
        if (200..<300).contains(response.status) {
            let posted = send.edit ? send.stored?.messageId : Self.messageId(response.body)
            let saved = StoredCard(subscriptionId: sub.id, flightId: send.card.flightId, messageId: posted, card: send.card, updatedAt: now)
            do { try await cards.saveCard(saved) } catch {
                // Shown but not remembered: the next event posts a new card rather than nothing.
                logger.warning("live card not saved", metadata: ["subscription": "\(sub.id)", "error": "\(error)"])
            }
            Counter(label: "squawk_live_cards_total", dimensions: [("outcome", send.edit ? "edited" : "posted")]).increment()
        }
        return conclude(c, exchange, now: now)
    }

    /// A delivery whose event an earlier edit of the card already shows: delivered, no request.
    static func carried(_ c: ClaimedDelivery, message: String, at: Date) -> DeliveryCompletion {
        let attempt = DeliveryAttempt(deliveryId: c.delivery.id, attempt: c.delivery.attempts + 1, at: at, statusCode: nil, latencyMs: 0,
                                      responseSnippet: "shown by live card message \(message)", error: nil)
        return DeliveryCompletion(attempt: attempt, next: .delivered)
    }

    /// The webhook URL to post a new card to (`?wait=true`: Discord answers with the message)
    /// or to edit card `message` at (`…/messages/{id}`); a query the webhook has (`thread_id`) is kept.
    static func cardURL(_ endpoint: String, message: String?) -> String {
        let parts = endpoint.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var base = String(parts[0])
        while base.hasSuffix("/") { base.removeLast() }
        let query = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
        guard let message else { return base + "?" + (query.map { $0 + "&" } ?? "") + "wait=true" }
        return base + "/messages/" + message + (query.map { "?" + $0 } ?? "")
    }

    /// The `id` of the message a `?wait=true` post returned.
    static func messageId(_ body: [UInt8]) -> String? {
        guard case .object(let message)? = try? JSONValue.parse(body), let id = message["id"]?.stringValue,
              !id.isEmpty, id.count <= 32, id.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) }) else { return nil }
        return id
    }
}
