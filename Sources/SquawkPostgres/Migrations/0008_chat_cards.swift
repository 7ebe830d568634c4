/// Migration `0008_chat_cards`: the live cards of `discord` subscriptions (``StoredCard``), one
/// per subscription and flight, gone with the subscription.
enum PostgresMigration0008ChatCards {
    static let name = "0008_chat_cards"

    static let statements = [
        """
        CREATE TABLE chat_cards (
            subscription_id text COLLATE "C" NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            flight_id       text COLLATE "C" NOT NULL,
            message_id      text,
            card            json NOT NULL,
            updated_at      timestamptz NOT NULL,
            PRIMARY KEY (subscription_id, flight_id)
        )
        """,
        "CREATE INDEX chat_cards_updated ON chat_cards (updated_at)",
    ]
}
