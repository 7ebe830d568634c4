import Foundation
import SquawkCore

/// The sends every instance sharing a store made to each receiver endpoint, so a receiver's
/// ``ReceiverBudget`` holds for the cluster, not for each instance alone (DESIGN.md rule 14:
/// budgets "shared by every instance"). Each instance still paces itself first (the dispatcher's
/// `EndpointLimiter`); this ledger is asked last, just before a send, and has the final word.
///
/// The window arithmetic is the core's ``BudgetLedger`` on the sends read back (see
/// ``BudgetLedger/init(sent:notBefore:budget:)``); a backend only stores times and makes each
/// reservation atomic across instances. Endpoints are receiver URLs, which carry a token (a
/// secret): a backend keeps only a hash of one (``KeyHash/sha256Hex(_:)``), never the URL, and
/// never logs it. Time is the caller's, so instances' clocks must agree to well under the
/// budget's margin (NTP does).
public protocol SharedSendLedger: Sendable {
    /// Atomically for every instance: when the sends recorded for `endpoint` within `budget`'s
    /// windows (and any hold on it) allow one more at `now`, records that send and returns nil;
    /// otherwise records nothing and returns the earliest time one may fit.
    func reserveSend(endpoint: String, budget: ReceiverBudget, now: Date) async throws -> Date?
    /// Nothing goes to `endpoint` before `until`, from any instance (a 429's `retry_after`,
    /// Discord's `X-RateLimit-Reset-After` at 0 remaining). A hold never shortens an earlier, longer one.
    func hold(endpoint: String, until: Date) async throws
}
