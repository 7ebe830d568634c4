/// Migration `0002_api_keys`: API keys, stored as the SHA-256 (lower-case hex) of the key plus a
/// short recognisable prefix; the key itself is never stored. `subscriptions.owner_key_id` is
/// deliberately not a foreign key to this table: the admin key comes from configuration.
enum PostgresMigration0002APIKeys {
    static let name = "0002_api_keys"

    static let statements = [
        """
        CREATE TABLE api_keys (
            id         text COLLATE "C" NOT NULL PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 64),
            name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
            prefix     text NOT NULL CHECK (char_length(prefix) BETWEEN 1 AND 16),
            hash       text COLLATE "C" NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
            created_at timestamptz NOT NULL,
            revoked_at timestamptz
        )
        """,
    ]
}
