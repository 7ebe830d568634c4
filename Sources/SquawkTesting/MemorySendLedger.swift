import Foundation
import SquawkCore
import SquawkStore

/// A ``SharedSendLedger`` in memory, for tests that run several dispatchers in one process as
/// if they were instances on one database: each endpoint's ``BudgetLedger`` under one lock.
/// It can be made to fail (``failing``), as a database that is down would.
public final class MemorySendLedger: SharedSendLedger, @unchecked Sendable {
    private let lock = NSLock()
    private var ledgers: [String: BudgetLedger] = [:]
    private var asked = 0
    private var refused = 0
    private var fails = false

    public init() {}

    public func reserveSend(endpoint: String, budget: ReceiverBudget, now: Date) async throws -> Date? {
        try lock.withLock {
            asked += 1
            if fails { throw StoreError(.unavailable, "the shared ledger is down (test)") }
            var ledger = ledgers[endpoint] ?? BudgetLedger()
            let slot = ledger.nextSlot(budget, now: now)
            guard slot <= now else {
                refused += 1
                return slot
            }
            ledger.record(now, budget: budget)
            ledgers[endpoint] = ledger
            return nil
        }
    }

    public func hold(endpoint: String, until: Date) async throws {
        lock.withLock {
            var ledger = ledgers[endpoint] ?? BudgetLedger()
            ledger.notBefore = max(ledger.notBefore ?? until, until)
            ledgers[endpoint] = ledger
        }
    }

    /// Reservations asked for, and how many of them were refused.
    public var counts: (asked: Int, refused: Int) { lock.withLock { (asked, refused) } }

    /// While true, every reservation fails.
    public var failing: Bool {
        get { lock.withLock { fails } }
        set { lock.withLock { fails = newValue } }
    }
}
