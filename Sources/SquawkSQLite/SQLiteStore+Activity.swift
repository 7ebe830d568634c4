import Foundation
import GRDB
import SquawkCore
import SquawkStore

extension SQLiteStore: DeliveryActivityStore {
    /// Reads `deliveries_finished` (finished rows by completion time) and the subscriptions' failure clocks.
    public func activity(owner: String?, since: Date) async throws -> DeliveryActivity {
        try await read { db in
            let mine = owner == nil ? "" : " AND subscription_id IN (SELECT id FROM subscriptions WHERE owner_key_id = ?)"
            var arguments: StatementArguments = [since.timeIntervalSince1970]
            if let owner { arguments += [owner] }
            let rows = try Row.fetchAll(db, sql: """
                SELECT CAST(completed_at / 60 AS INTEGER), status, count(*) FROM deliveries
                WHERE status IN ('delivered','failed','expired') AND completed_at >= ?\(mine)
                GROUP BY 1, 2
                """, arguments: arguments).map { (minute: $0[0] as Int64, status: $0[1] as String, count: $0[2] as Int) }
            let failing = try Row.fetchAll(db, sql: """
                SELECT id, notify_endpoint, failing_since FROM subscriptions
                WHERE failing_since IS NOT NULL AND status = 'active'\(owner == nil ? "" : " AND owner_key_id = ?")
                ORDER BY failing_since, id LIMIT 100
                """, arguments: owner.map { [$0] } ?? []).map {
                DeliveryActivity.FailingEndpoint(subscriptionId: $0[0], notifyEndpoint: $0[1], since: Date(timeIntervalSince1970: $0[2]))
            }
            return DeliveryActivity(minutes: DeliveryActivity.minutes(rows), failing: failing)
        }
    }

    public func event(deliveryId: String, owner: String) async throws -> FlightEvent? {
        try await read { db in
            let prefixed = EventColumns.list.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
            return try Row.fetchOne(db, sql: """
                SELECT \(prefixed) FROM deliveries d JOIN events e ON e.id = d.event_id
                JOIN subscriptions s ON s.id = d.subscription_id
                WHERE d.id = ? AND s.owner_key_id = ?
                """, arguments: [deliveryId, owner]).map(EventColumns.decode)
        }
    }
}
