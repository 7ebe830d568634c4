/// Migration `0001_subscriptions`: subscriptions (with their delivery sequence counter and
/// continuous-failure clock), their signing secrets and the idempotency records of creates — the
/// PostgreSQL form of SQLite's 0001, 0003 (the counter) and 0005. Append-only: never edit once
/// landed; add a new migration instead.
///
/// Conventions (every later migration follows them):
/// - dates are `timestamptz` (microseconds; the store rounds, so whole milliseconds round-trip);
/// - ids and other keys are `text COLLATE "C"`: cursors compare and sort bytewise, as the
///   contract suites (and SQLite) do, whatever the database's default collation;
/// - enumerations are `text` with a `CHECK(… IN (…))` listing the raw values of the Swift enum;
/// - `events` is the comma-separated, sorted list of event type raw values (`''` for none);
/// - JSON is `json` (kept byte for byte as written), checked to be an object.
enum PostgresMigration0001Subscriptions {
    static let name = "0001_subscriptions"

    static let statements = [
        """
        CREATE TABLE subscriptions (
            id                     text COLLATE "C" NOT NULL PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 64),
            owner_key_id           text COLLATE "C" NOT NULL CHECK (char_length(owner_key_id) BETWEEN 1 AND 64),
            target_kind            text NOT NULL
                CHECK (target_kind IN ('flight','callsign','user','airport','server','fls_flight','fls_club')),
            target_id              text NOT NULL CHECK (char_length(target_id) BETWEEN 1 AND 256),
            server                 text CHECK (server IS NULL OR char_length(server) BETWEEN 1 AND 256),
            events                 text NOT NULL CHECK (events !~ '[^a-z._,]'),
            notify_endpoint        text NOT NULL CHECK (char_length(notify_endpoint) BETWEEN 1 AND 256),
            format                 text NOT NULL CHECK (format IN ('json','discord','slack','flifo')),
            description            text CHECK (description IS NULL OR char_length(description) <= 1024),
            metadata               json NOT NULL DEFAULT '{}' CHECK (json_typeof(metadata) = 'object'),
            status                 text NOT NULL CHECK (status IN ('active','disabled')),
            disabled_reason        text,
            created_at             timestamptz NOT NULL,
            updated_at             timestamptz NOT NULL,
            expires_at             timestamptz,
            last_delivery_sequence bigint NOT NULL DEFAULT 0 CHECK (last_delivery_sequence >= 0),
            failing_since          timestamptz
        )
        """,
        // Cursor listing: WHERE owner_key_id = ? AND id > ? ORDER BY id.
        "CREATE INDEX subscriptions_owner_id ON subscriptions (owner_key_id, id)",
        // allActive(): WHERE status = 'active' ORDER BY id.
        "CREATE INDEX subscriptions_active ON subscriptions (id) WHERE status = 'active'",
        """
        CREATE TABLE subscription_secrets (
            subscription_id text COLLATE "C" NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            secret          text NOT NULL CHECK (char_length(secret) BETWEEN 1 AND 256),
            created_at      timestamptz NOT NULL,
            expires_at      timestamptz,
            PRIMARY KEY (subscription_id, secret)
        )
        """,
        // At most one current (non-expiring) secret per subscription.
        """
        CREATE UNIQUE INDEX subscription_secrets_one_current ON subscription_secrets (subscription_id) WHERE expires_at IS NULL
        """,
        """
        CREATE TABLE idempotency_keys (
            owner_key_id    text COLLATE "C" NOT NULL,
            idempotency_key text COLLATE "C" NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
            request_hash    text NOT NULL CHECK (char_length(request_hash) BETWEEN 1 AND 128),
            subscription_id text COLLATE "C" NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            created_at      timestamptz NOT NULL,
            PRIMARY KEY (owner_key_id, idempotency_key)
        )
        """,
        // The foreign key's child side, so deleting a subscription does not scan the table.
        "CREATE INDEX idempotency_keys_subscription ON idempotency_keys (subscription_id)",
    ]
}
