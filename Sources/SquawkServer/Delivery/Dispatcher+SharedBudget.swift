import Foundation
import Logging
import NIOConcurrencyHelpers
import SquawkCore
import SquawkHTTP
import SquawkStore

/// The dispatcher's hold on a ``SharedSendLedger`` (instances sharing a PostgreSQL store share
/// each chat receiver's budget), and whether asking it last failed, so that an outage is logged
/// once when it starts and once when it ends, not once per message.
final class SharedReceiverBudget: Sendable {
    let ledger: any SharedSendLedger
    let failing = NIOLockedValueBox(false)

    init(_ ledger: any SharedSendLedger) { self.ledger = ledger }
}

/// Chat receivers' budgets across instances: a chat message the dispatcher's own limiter lets
/// go is sent only once the shared ledger has recorded it too.
extension Dispatcher {
    /// How long chat messages wait while the shared ledger cannot be asked (its database is
    /// down): sending without it could take the cluster past a receiver's budget.
    static let sharedBudgetRetry: TimeInterval = 5

    /// For a chat message to `sub`'s endpoint that the limiter has just let go at `now`: nil when
    /// the shared ledger records it too (send it), else when to put it back (with the rest of its
    /// subscription's claim). A refusal undoes the limiter's grant and holds the endpoint here
    /// until then, so the claim's other messages to it wait without asking again.
    func sharedBudgetRefusal(_ sub: Subscription, now: Date) async -> Date? {
        guard let shared = sharedBudget, sub.status == .active, sub.format.isChat else { return nil }
        let endpoint = sub.notifyEndpoint
        let budget = state.withLockedValue { $0.limiter.budget(for: sub.format, perMinute: sub.delivery.maxPerMinute) }
        let later: Date?
        do {
            later = try await shared.ledger.reserveSend(endpoint: endpoint, budget: budget, now: now)
            if shared.failing.withLockedValue({ f in defer { f = false }; return f }) {
                logger.notice("the shared receiver budget answers again; chat messages go on")
            }
        } catch {
            later = now.addingTimeInterval(Self.sharedBudgetRetry)
            // The store's errors name neither values nor URLs (an endpoint carries a token).
            if !shared.failing.withLockedValue({ f in defer { f = true }; return f }) {
                logger.error("the shared receiver budget cannot be asked; chat messages wait until it answers",
                             metadata: ["error": "\(error)", "retry_seconds": "\(Int(Self.sharedBudgetRetry))"])
            }
        }
        guard let later else { return nil }
        state.withLockedValue {
            $0.limiter.withdraw(endpoint, sentAt: now)
            $0.limiter.throttle(endpoint, until: later)
        }
        return later
    }

    /// Tells the other instances of the holds chat receivers set in their answers (a 429's
    /// `retry_after`, Discord's reset at 0 remaining); `units[i]` went out as `exchanges[i]`.
    /// Best effort: a hold not shared costs at most an answer of 429 elsewhere.
    func shareHolds(_ units: [[ClaimedDelivery]], _ exchanges: [HTTPExchange], now: Date) async {
        guard let shared = sharedBudget else { return }
        var holds: [String: Date] = [:]
        for (unit, exchange) in zip(units, exchanges) {
            guard let c = unit.first, c.subscription.format.isChat, case .success(let response) = exchange.result,
                  let until = ReceiverLimits(response, now: now).holdUntil else { continue }
            holds[c.subscription.notifyEndpoint] = max(holds[c.subscription.notifyEndpoint] ?? until, until)
        }
        for (endpoint, until) in holds { try? await shared.ledger.hold(endpoint: endpoint, until: until) }
    }
}
