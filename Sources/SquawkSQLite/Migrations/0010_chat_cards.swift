import GRDB

/// Migration `0010_chat_cards`: the live cards of `discord` subscriptions (``StoredCard``), one
/// per subscription and flight, gone with the subscription.
enum Migration0010ChatCards {
    static let name = "0010_chat_cards"

    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE chat_cards (
                subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
                flight_id       TEXT NOT NULL,
                message_id      TEXT,
                card            TEXT NOT NULL CHECK (json_valid(card)),
                updated_at      REAL NOT NULL,
                PRIMARY KEY (subscription_id, flight_id)
            ) WITHOUT ROWID
            """)
        try db.execute(sql: "CREATE INDEX chat_cards_updated ON chat_cards(updated_at)")
    }
}
