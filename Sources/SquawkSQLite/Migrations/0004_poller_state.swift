import GRDB

/// Migration `0004_poller_state`: the poller's derived state by key (the diff engine's state per
/// server, as JSON). Small, replaced whole on every save.
enum Migration0004PollerState {
    static let name = "0004_poller_state"

    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE poller_state (
                key        TEXT NOT NULL PRIMARY KEY CHECK(length(key) BETWEEN 1 AND 200),
                value      BLOB NOT NULL,
                updated_at REAL NOT NULL
            ) WITHOUT ROWID
            """)
    }
}
