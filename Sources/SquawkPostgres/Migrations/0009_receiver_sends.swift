/// Migration `0009_receiver_sends`: the sends every instance made to each receiver endpoint
/// within its budget's longest window, and the holds receivers set (``SharedSendLedger``), so
/// instances sharing the database share each webhook's budget. Append-only: never edit once landed.
///
/// An endpoint is known only by the SHA-256 of its URL, lower-case hex: webhook URLs carry a
/// token, so the URL itself is never stored. Rows are short-lived: a reservation deletes its
/// endpoint's sends older than the budget's horizon (at most a minute and a bit for Discord).
/// No foreign keys: an endpoint may be shared by subscriptions of several owners, or by none.
enum PostgresMigration0009ReceiverSends {
    static let name = "0009_receiver_sends"

    static let statements = [
        """
        CREATE TABLE receiver_sends (
            endpoint_hash text COLLATE "C" NOT NULL CHECK (endpoint_hash ~ '^[0-9a-f]{64}$'),
            sent_at       timestamptz NOT NULL
        )
        """,
        "CREATE INDEX receiver_sends_endpoint ON receiver_sends (endpoint_hash, sent_at)",
        """
        CREATE TABLE receiver_holds (
            endpoint_hash text COLLATE "C" NOT NULL PRIMARY KEY CHECK (endpoint_hash ~ '^[0-9a-f]{64}$'),
            not_before    timestamptz NOT NULL
        )
        """,
    ]
}
