import GRDB

/// Migration `0002_api_keys`: API keys, stored as the SHA-256 (lower-case hex) of the key plus
/// a short recognisable prefix. The key itself is never stored.
///
/// `subscriptions.owner_key_id` is deliberately not a foreign key to this table: the admin key
/// comes from configuration and owns subscriptions too.
enum Migration0002APIKeys {
    static let name = "0002_api_keys"

    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE api_keys (
                id         TEXT NOT NULL PRIMARY KEY CHECK(length(id) BETWEEN 1 AND 64),
                name       TEXT NOT NULL CHECK(length(name) BETWEEN 1 AND 100),
                prefix     TEXT NOT NULL CHECK(length(prefix) BETWEEN 1 AND 16),
                hash       TEXT NOT NULL UNIQUE CHECK(length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*'),
                created_at REAL NOT NULL,
                revoked_at REAL
            ) WITHOUT ROWID
            """)
    }
}
