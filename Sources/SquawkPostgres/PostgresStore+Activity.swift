import Foundation
import PostgresNIO
import SquawkCore
import SquawkStore

extension PostgresStore: DeliveryActivityStore {
    /// Reads `deliveries_finished` (finished rows by completion time) and the subscriptions' failure clocks.
    public func activity(owner: String?, since: Date) async throws -> DeliveryActivity {
        try await read { conn in
            let from = PostgresTimestamp(since)
            let outcomes: PostgresQuery = if let owner {
                """
                SELECT floor(extract(epoch FROM completed_at) / 60)::bigint, status, count(*)::bigint FROM deliveries
                WHERE status IN ('delivered','failed','expired') AND completed_at >= \(from)
                  AND subscription_id IN (SELECT id FROM subscriptions WHERE owner_key_id = \(owner))
                GROUP BY 1, 2
                """
            } else {
                """
                SELECT floor(extract(epoch FROM completed_at) / 60)::bigint, status, count(*)::bigint FROM deliveries
                WHERE status IN ('delivered','failed','expired') AND completed_at >= \(from)
                GROUP BY 1, 2
                """
            }
            let rows = try await self.rows(conn, outcomes).map {
                (minute: try $0[0].decode(Int64.self), status: try $0[1].decode(String.self), count: Int(try $0[2].decode(Int64.self)))
            }
            let failingQuery: PostgresQuery = if let owner {
                """
                SELECT id, notify_endpoint, failing_since FROM subscriptions
                WHERE failing_since IS NOT NULL AND status = 'active' AND owner_key_id = \(owner)
                ORDER BY failing_since, id LIMIT 100
                """
            } else {
                """
                SELECT id, notify_endpoint, failing_since FROM subscriptions
                WHERE failing_since IS NOT NULL AND status = 'active'
                ORDER BY failing_since, id LIMIT 100
                """
            }
            let failing = try await self.rows(conn, failingQuery).map {
                DeliveryActivity.FailingEndpoint(subscriptionId: try $0[0].decode(String.self), notifyEndpoint: try $0[1].decode(String.self),
                                                 since: try $0[2].decode(PostgresTimestamp.self).date)
            }
            return DeliveryActivity(minutes: DeliveryActivity.minutes(rows), failing: failing)
        }
    }

    public func event(deliveryId: String, owner: String) async throws -> FlightEvent? {
        try await read { conn in
            let prefixed = PostgresColumns.event.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
            let query: PostgresQuery = """
                SELECT \(unescaped: prefixed) FROM deliveries d JOIN events e ON e.id = d.event_id
                JOIN subscriptions s ON s.id = d.subscription_id
                WHERE d.id = \(deliveryId) AND s.owner_key_id = \(owner)
                """
            return try await self.rows(conn, query).first.map(PostgresColumns.decodeEvent)
        }
    }
}
