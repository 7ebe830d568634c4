import Foundation
import GRDB
import SquawkCore
import SquawkStore

/// Live cards on SQLite (schema: ``Migration0010ChatCards``).
extension SQLiteStore: ChatCardStore {
    public func card(subscriptionId: String, flightId: String) async throws -> StoredCard? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT message_id, card, updated_at FROM chat_cards WHERE subscription_id = ? AND flight_id = ?
                """, arguments: [subscriptionId, flightId]),
                let card = RowCoding.decodeCard(row[1]) else { return nil }
            return StoredCard(subscriptionId: subscriptionId, flightId: flightId, messageId: row[0], card: card,
                              updatedAt: Date(timeIntervalSince1970: row[2]))
        }
    }

    public func saveCard(_ card: StoredCard) async throws {
        let state = try RowCoding.encodeCard(card.card)
        try await write { db in
            // A card of a subscription deleted meanwhile is not saved (nothing would show it).
            try db.execute(sql: """
                INSERT INTO chat_cards (subscription_id, flight_id, message_id, card, updated_at)
                SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM subscriptions WHERE id = ?)
                ON CONFLICT (subscription_id, flight_id) DO UPDATE SET
                    message_id = excluded.message_id, card = excluded.card, updated_at = excluded.updated_at
                """, arguments: [card.subscriptionId, card.flightId, card.messageId, state, card.updatedAt.timeIntervalSince1970,
                                 card.subscriptionId])
        }
    }

    public func pendingEvents(orderingKey: String, after sequence: Int64, limit: Int) async throws -> [(event: FlightEvent, sequence: Int64)] {
        guard limit > 0 else { return [] }
        return try await read { db in
            var out: [(event: FlightEvent, sequence: Int64)] = []
            try DirectStatement(db, sql: """
                SELECT \(EventColumns.list.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")),
                       d.sequence
                FROM deliveries d JOIN events e ON e.id = d.event_id
                WHERE d.ordering_key = ? AND d.sequence > ? AND d.status IN ('pending','inflight')
                ORDER BY d.sequence LIMIT ?
                """).run([.text(orderingKey), .integer(sequence), .integer(Int64(limit))]) { row in
                out.append((try EventColumns.decode(row), row.integer(13)))
            }
            return out
        }
    }
}

extension SQLiteStore: NewDeliveryHold {
    public func holdNewDeliveries(_ until: [String: Date]) async throws {
        guard !until.isEmpty else { return }
        try await write { db in
            let update = try db.cachedStatement(sql: "UPDATE subscriptions SET new_deliveries_due_at = ? WHERE id = ?")
            for (id, date) in until.sorted(by: { $0.key < $1.key }) { try update.execute(arguments: [date.timeIntervalSince1970, id]) }
        }
    }
}
