import Foundation
import PostgresNIO
import SquawkCore
import SquawkStore

/// Live cards on PostgreSQL (schema: ``PostgresMigration0008ChatCards``).
extension PostgresStore: ChatCardStore {
    public func card(subscriptionId: String, flightId: String) async throws -> StoredCard? {
        try await read { conn in
            guard let r = try await self.rows(conn, """
                SELECT message_id, card::text, updated_at FROM chat_cards WHERE subscription_id = \(subscriptionId) AND flight_id = \(flightId)
                """).first, let card = RowCoding.decodeCard(try r[1].decode(String.self)) else { return nil }
            return StoredCard(subscriptionId: subscriptionId, flightId: flightId, messageId: try r[0].decode(String?.self), card: card,
                              updatedAt: try r[2].decode(PostgresTimestamp.self).date)
        }
    }

    public func saveCard(_ card: StoredCard) async throws {
        let state = try RowCoding.encodeCard(card.card)
        _ = try await transaction { conn in
            // A card of a subscription deleted meanwhile is not saved (nothing would show it).
            try await self.rows(conn, """
                INSERT INTO chat_cards (subscription_id, flight_id, message_id, card, updated_at)
                SELECT \(card.subscriptionId), \(card.flightId), \(card.messageId), \(state)::json, \(card.updatedAt.pg)
                WHERE EXISTS (SELECT 1 FROM subscriptions WHERE id = \(card.subscriptionId))
                ON CONFLICT (subscription_id, flight_id) DO UPDATE SET
                    message_id = excluded.message_id, card = excluded.card, updated_at = excluded.updated_at
                """)
        }
    }

    public func pendingEvents(orderingKey: String, after sequence: Int64, limit: Int) async throws -> [(event: FlightEvent, sequence: Int64)] {
        guard limit > 0 else { return [] }
        let columns = PostgresColumns.event.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
        return try await read { conn in
            try await self.rows(conn, """
                SELECT \(unescaped: columns), d.sequence
                FROM deliveries d JOIN events e ON e.id = d.event_id
                WHERE d.ordering_key = \(orderingKey) AND d.sequence > \(sequence) AND d.status IN ('pending','inflight')
                ORDER BY d.sequence LIMIT \(limit)
                """).map { r in (try PostgresColumns.decodeEvent(r), try r[13].decode(Int64.self)) }
        }
    }
}

extension PostgresStore: NewDeliveryHold {
    public func holdNewDeliveries(_ until: [String: Date]) async throws {
        guard !until.isEmpty else { return }
        let ids = until.keys.sorted()
        let dates = ids.map { until[$0]!.timeIntervalSince1970 }
        _ = try await transaction { conn in
            try await self.rows(conn, """
                UPDATE subscriptions AS s SET new_deliveries_due_at = to_timestamp(v.at)
                FROM unnest(\(ids)::text[], \(dates)::float8[]) AS v(id, at) WHERE s.id = v.id
                """)
        }
    }
}
