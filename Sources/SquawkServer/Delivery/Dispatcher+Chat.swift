import Foundation
import Metrics
import SquawkCore
import SquawkHTTP
import SquawkStore

/// What only chat receivers get: a claim's deliveries to one subscription sent together, events
/// too old to be worth sending expired, and a summary of what a channel missed.
extension Dispatcher {
    /// What a chat subscription missed since its last summary.
    struct Missed {
        var counts: [EventType: Int] = [:]
        var since: Date
        var lastSummary: Date?
        /// The subscription's latest claim (endpoint, format, secrets, server) to send it with.
        var template: ClaimedDelivery?
    }

    /// At most one summary of missed events per subscription in this long.
    static let summaryInterval: TimeInterval = 60

    /// Adds `stale` to what `c`'s subscription missed and, when a minute has passed since its
    /// last summary and its endpoint has a slot now, the summary message to send (its counts
    /// then start again). Not a delivery: if it fails, the deliveries already say why they ended.
    func summary(_ c: ClaimedDelivery, adding stale: [ClaimedDelivery], now: Date, deadline: Date?, startBy: Date?) -> HTTPRequest? {
        let sub = c.subscription
        let due: Missed? = state.withLockedValue { s in
            var m = s.missed[sub.id] ?? Missed(since: now)
            for d in stale { m.counts[d.event.type, default: 0] += 1 }
            m.template = c
            let quiet = m.lastSummary.map { now.timeIntervalSince($0) >= Self.summaryInterval } ?? true
            if !m.counts.isEmpty, quiet,
               s.limiter.acquire(sub.notifyEndpoint, format: sub.format, perMinute: sub.delivery.maxPerMinute, delivery: "sub:" + sub.id,
                                 now: now, reserve: false) == nil {
                s.missed[sub.id] = Missed(since: now, lastSummary: now)
                return m
            }
            // Kept for a later summary; forgotten once there is nothing to tell and a minute passed.
            s.missed[sub.id] = m.counts.isEmpty && quiet ? nil : m
            return nil
        }
        guard let due else { return nil }
        Counter(label: "squawk_chat_summaries_total").increment()
        let body = renderer.renderSummary(due.counts, server: c.event.server?.name, since: due.since, until: now, format: sub.format)
        return request(c, body: body, now: now, deadline: deadline, startBy: startBy)
    }

    /// Sends the summaries that became due while no delivery of their subscription came by.
    func sendDueSummaries(now: Date) async {
        let templates: [ClaimedDelivery] = state.withLockedValue { s in
            s.missed.values.compactMap { m in
                guard !m.counts.isEmpty, m.lastSummary.map({ now.timeIntervalSince($0) >= Self.summaryInterval }) ?? true else { return nil }
                return m.template
            }
        }
        let requests = templates.compactMap { summary($0, adding: [], now: now, deadline: nil, startBy: nil) }
        guard !requests.isEmpty else { return }
        _ = await transport.send(all: requests, concurrency: max(1, configuration.concurrency))
    }

    /// A delivery too old to send: it ends with the reason, no attempt counted.
    static func expire(_ c: ClaimedDelivery, at: Date, maxAge: Int) -> DeliveryCompletion {
        let age = Int(at.timeIntervalSince(c.event.at).rounded())
        let nothing = DeliveryAttempt(deliveryId: c.delivery.id, attempt: 0, at: at, statusCode: nil, latencyMs: 0, responseSnippet: nil, error: nil)
        return DeliveryCompletion(attempt: nothing, next: .expired(reason: "expired: the event is \(age) s old, past this subscription's maxAge of \(maxAge) s; not sent"))
    }

    /// What goes out together: the deliveries of one active `discord` or `slack` subscription in
    /// a claim (in claim order: at most one per ordering group, so a flight's events stay in
    /// order), each other delivery alone.
    static func units(_ claimed: [ClaimedDelivery]) -> [[ClaimedDelivery]] {
        var units: [[ClaimedDelivery]] = []
        var chat: [String: Int] = [:]
        for c in claimed {
            guard c.subscription.status == .active, c.subscription.format.isChat else {
                units.append([c])
                continue
            }
            if let i = chat[c.subscription.id] { units[i].append(c) } else {
                chat[c.subscription.id] = units.count
                units.append([c])
            }
        }
        return units
    }

    /// One chat message carrying as many of `unit`'s events as fit (Discord: 10 embeds, 6,000
    /// characters; Slack: 50 blocks), signed as its first event; returns how many it carries.
    func prepareMessage(_ unit: [ClaimedDelivery], now: Date, deadline: Date?, startBy: Date?) -> (HTTPRequest, Int) {
        let c = unit[0]
        let (body, carried) = renderer.renderChat(unit.map { ($0.event, $0.delivery.sequence) }, format: c.subscription.format,
                                                  mentions: c.subscription.delivery.mentions)
        return (request(c, body: body, now: now, deadline: deadline, startBy: startBy), carried)
    }

    /// Tells the store when each busy chat subscription's waiting messages are next promised a
    /// slot (`due`), so that new deliveries come due then rather than being claimed now only to
    /// be put back (``NewDeliveryHold``). Stored only when it changed; a failure costs a claim.
    func holdNewDeliveries(_ due: [String: Date]) async {
        guard !due.isEmpty, let holds = store as? any NewDeliveryHold else { return }
        let changed = state.withLockedValue { s in
            let changed = due.filter { s.newDue[$0.key] != $0.value }
            for (id, at) in changed { s.newDue[id] = at }
            if s.newDue.count > 10_000 { s.newDue = changed }
            return changed
        }
        guard !changed.isEmpty else { return }
        do { try await holds.holdNewDeliveries(changed) } catch {
            state.withLockedValue { s in for id in changed.keys { s.newDue[id] = nil } }
            logger.warning("could not store when a busy channel's new deliveries are due", metadata: ["error": "\(error)"])
        }
    }
}
