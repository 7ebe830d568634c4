import GRDB

/// Migration `0001_subscriptions`: subscriptions, their signing secrets and the idempotency
/// records of creates. Append-only: never edit once landed; add a new migration instead.
///
/// Conventions (every later migration follows them):
/// - dates are `REAL` **unix seconds** (fractional; `datetime(x, 'unixepoch')` reads them);
/// - enumerations are `TEXT` with a `CHECK(… IN (…))` listing the raw values of the Swift enum;
/// - `events` is the comma-separated, sorted list of event type raw values (`''` for none);
/// - `metadata` is a JSON object as text.
enum Migration0001Subscriptions {
    static let name = "0001_subscriptions"

    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE subscriptions (
                id              TEXT NOT NULL PRIMARY KEY CHECK(length(id) BETWEEN 1 AND 64),
                owner_key_id    TEXT NOT NULL CHECK(length(owner_key_id) BETWEEN 1 AND 64),
                target_kind     TEXT NOT NULL
                    CHECK(target_kind IN ('flight','callsign','user','airport','server','fls_flight','fls_club')),
                target_id       TEXT NOT NULL CHECK(length(target_id) BETWEEN 1 AND 256),
                server          TEXT CHECK(server IS NULL OR length(server) BETWEEN 1 AND 256),
                events          TEXT NOT NULL CHECK(events NOT GLOB '*[^a-z._,]*'),
                notify_endpoint TEXT NOT NULL CHECK(length(notify_endpoint) BETWEEN 1 AND 256),
                format          TEXT NOT NULL CHECK(format IN ('json','discord','slack','flifo')),
                description     TEXT CHECK(description IS NULL OR length(description) <= 1024),
                metadata        TEXT NOT NULL DEFAULT '{}' CHECK(json_valid(metadata) AND json_type(metadata) = 'object'),
                status          TEXT NOT NULL CHECK(status IN ('active','disabled')),
                disabled_reason TEXT,
                created_at      REAL NOT NULL,
                updated_at      REAL NOT NULL,
                expires_at      REAL
            ) WITHOUT ROWID
            """)
        // Cursor listing: WHERE owner_key_id = ? AND id > ? ORDER BY id.
        try db.execute(sql: "CREATE INDEX subscriptions_owner_id ON subscriptions(owner_key_id, id)")
        // allActive(): WHERE status = 'active'.
        try db.execute(sql: "CREATE INDEX subscriptions_status ON subscriptions(status)")

        try db.execute(sql: """
            CREATE TABLE subscription_secrets (
                subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
                secret          TEXT NOT NULL CHECK(length(secret) BETWEEN 1 AND 256),
                created_at      REAL NOT NULL,
                expires_at      REAL,
                PRIMARY KEY (subscription_id, secret)
            ) WITHOUT ROWID
            """)
        // At most one current (non-expiring) secret per subscription.
        try db.execute(sql: """
            CREATE UNIQUE INDEX subscription_secrets_one_current
                ON subscription_secrets(subscription_id) WHERE expires_at IS NULL
            """)

        try db.execute(sql: """
            CREATE TABLE idempotency_keys (
                owner_key_id    TEXT NOT NULL,
                idempotency_key TEXT NOT NULL CHECK(length(idempotency_key) BETWEEN 1 AND 255),
                request_hash    TEXT NOT NULL CHECK(length(request_hash) BETWEEN 1 AND 128),
                subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
                created_at      REAL NOT NULL,
                PRIMARY KEY (owner_key_id, idempotency_key)
            ) WITHOUT ROWID
            """)
        // The foreign key's child side, so deleting a subscription does not scan the table.
        try db.execute(sql: "CREATE INDEX idempotency_keys_subscription ON idempotency_keys(subscription_id)")
    }
}
