import Foundation
import PostgresNIO
import SquawkCore
import SquawkStore

// MARK: - SharedSendLedger

/// Each receiver's budget for every instance on the database (schema:
/// ``PostgresMigration0009ReceiverSends``). A reservation is one short transaction holding a
/// transaction-scoped advisory lock on the endpoint, so reservations for one endpoint take turns
/// across instances while other endpoints go on; the window arithmetic is the core's
/// ``BudgetLedger`` on the rows read back. Endpoints are stored, locked and logged only as the
/// SHA-256 of their URL.
///
/// Times are kept to the microsecond (`timestamptz`); a budget's margin is a quarter of a second.
extension PostgresStore: SharedSendLedger {
    public func reserveSend(endpoint: String, budget: ReceiverBudget, now: Date) async throws -> Date? {
        let key = KeyHash.sha256Hex(endpoint)
        let lock = "squawk.receiver:" + (schema ?? "") + ":" + key
        let cutoff = now.addingTimeInterval(-budget.horizon)
        return try await transaction { conn in
            try await conn.query("SELECT pg_advisory_xact_lock(hashtext(\(lock)))", logger: self.logger)
            // What no window reaches any more; the rest is the ledger.
            try await conn.query("DELETE FROM receiver_sends WHERE endpoint_hash = \(key) AND sent_at < \(cutoff.pg)", logger: self.logger)
            var sent: [Date] = []
            for r in try await self.rows(conn, "SELECT sent_at FROM receiver_sends WHERE endpoint_hash = \(key)") {
                sent.append(try r[0].decode(PostgresTimestamp.self).date)
            }
            let hold = try await self.rows(conn, "SELECT not_before FROM receiver_holds WHERE endpoint_hash = \(key)")
                .first.map { try $0[0].decode(PostgresTimestamp.self).date }
            let slot = BudgetLedger(sent: sent, notBefore: hold, budget: budget).nextSlot(budget, now: now)
            guard slot <= now else { return slot }
            try await conn.query("INSERT INTO receiver_sends (endpoint_hash, sent_at) VALUES (\(key), \(now.pg))", logger: self.logger)
            return nil
        }
    }

    public func hold(endpoint: String, until: Date) async throws {
        let key = KeyHash.sha256Hex(endpoint)
        try await transaction { conn in
            try await conn.query("""
                INSERT INTO receiver_holds AS h (endpoint_hash, not_before) VALUES (\(key), \(until.pg))
                ON CONFLICT (endpoint_hash) DO UPDATE SET not_before = GREATEST(h.not_before, excluded.not_before)
                """, logger: self.logger)
        }
    }
}
