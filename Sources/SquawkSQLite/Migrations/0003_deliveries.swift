import GRDB

/// Migration `0003_deliveries`: the outbox and delivery log. Events, one delivery per
/// (event, subscription), every attempt, and each subscription's delivery sequence counter.
/// Append-only: never edit once landed; add a new migration instead.
///
/// Conventions beyond those of ``Migration0001Subscriptions``:
/// - `events.type` is checked by character set, not by an `IN (…)` list: a new event type must not
///   need a table rebuild (SQLite cannot alter a CHECK); the Swift decoder rejects unknown ones;
/// - `events.data` is the event's `data` as a JSON object (sorted keys);
/// - the status columns of `deliveries` are tied together by CHECKs: a lease exactly while
///   `inflight`, a completion time exactly once `delivered` or `failed`, `blocked` only while unfinished;
/// - `deliveries` and `events` are rowid tables (their rows are wide; secondary indexes then
///   carry an 8-byte rowid rather than the text key).
///
/// ### Ordering groups
/// Deliveries of one subject to one subscription (`ordering_key`) are sent one at a time in
/// `sequence` order. `blocked = 1` marks an unfinished delivery that waits for an earlier
/// unfinished one of its group: exactly the first unfinished delivery of each group has
/// `blocked = 0`. The store keeps that invariant on every status change, so `claim` reads due
/// work with one range scan of `deliveries_due` instead of testing each row's group.
enum Migration0003Deliveries {
    static let name = "0003_deliveries"

    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE events (
                id                   TEXT NOT NULL PRIMARY KEY CHECK(length(id) BETWEEN 1 AND 128),
                type                 TEXT NOT NULL CHECK(length(type) BETWEEN 1 AND 64 AND type NOT GLOB '*[^a-z._]*'),
                at                   REAL NOT NULL,
                server_id            TEXT,
                server_name          TEXT,
                flight_id            TEXT,
                user_id              TEXT,
                username             TEXT,
                callsign             TEXT,
                virtual_organization TEXT,
                airport              TEXT,
                frequency_id         TEXT,
                data                 TEXT NOT NULL DEFAULT '{}' CHECK(json_valid(data) AND json_type(data) = 'object'),
                created_at           REAL NOT NULL,
                CHECK((server_id IS NULL) = (server_name IS NULL))
            )
            """)
        // prune(): events older than the retention window.
        try db.execute(sql: "CREATE INDEX events_created ON events(created_at)")

        try db.execute(sql: """
            CREATE TABLE deliveries (
                id               TEXT NOT NULL PRIMARY KEY CHECK(length(id) BETWEEN 1 AND 64),
                event_id         TEXT NOT NULL REFERENCES events(id),
                subscription_id  TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
                sequence         INTEGER NOT NULL CHECK(sequence >= 1),
                ordering_key     TEXT NOT NULL CHECK(length(ordering_key) >= 1),
                status           TEXT NOT NULL CHECK(status IN ('pending','inflight','delivered','failed')),
                blocked          INTEGER NOT NULL DEFAULT 0 CHECK(blocked IN (0, 1)),
                attempts         INTEGER NOT NULL DEFAULT 0 CHECK(attempts >= 0),
                next_attempt_at  REAL NOT NULL,
                lease_until      REAL,
                last_error       TEXT,
                last_status_code INTEGER CHECK(last_status_code IS NULL OR last_status_code BETWEEN 100 AND 999),
                created_at       REAL NOT NULL,
                completed_at     REAL,
                UNIQUE(event_id, subscription_id),
                UNIQUE(subscription_id, sequence),
                CHECK((status = 'inflight') = (lease_until IS NOT NULL)),
                CHECK((status IN ('delivered','failed')) = (completed_at IS NOT NULL)),
                CHECK(blocked = 0 OR status IN ('pending','inflight'))
            )
            """)
        // claim(): pending work no earlier delivery holds back, oldest due first (ties: insertion order).
        try db.execute(sql: """
            CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending' AND blocked = 0
            """)
        // claim(): expired leases; queueStats(): the inflight count.
        try db.execute(sql: "CREATE INDEX deliveries_leases ON deliveries(lease_until) WHERE status = 'inflight'")
        // Ordering groups: the unfinished deliveries of a group in sequence order (which one is first).
        try db.execute(sql: """
            CREATE INDEX deliveries_unfinished ON deliveries(ordering_key, sequence) WHERE status IN ('pending','inflight')
            """)
        // prune(): finished deliveries by completion time.
        try db.execute(sql: """
            CREATE INDEX deliveries_finished ON deliveries(completed_at) WHERE status IN ('delivered','failed')
            """)
        // (event_id, subscription_id) and (subscription_id, sequence) are indexed by their UNIQUE
        // constraints: the child sides of both foreign keys, and the per-subscription log.

        try db.execute(sql: """
            CREATE TABLE delivery_attempts (
                delivery_id      TEXT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
                attempt          INTEGER NOT NULL CHECK(attempt >= 1),
                at               REAL NOT NULL,
                status_code      INTEGER CHECK(status_code IS NULL OR status_code BETWEEN 100 AND 999),
                latency_ms       INTEGER NOT NULL CHECK(latency_ms >= 0),
                response_snippet TEXT CHECK(response_snippet IS NULL OR length(response_snippet) <= 1024),
                error            TEXT
            )
            """)
        // attempts(deliveryId:), and the cascade from deliveries. Not unique: a send repeated after
        // an expired lease is logged twice under one number, as it happened.
        try db.execute(sql: "CREATE INDEX delivery_attempts_delivery ON delivery_attempts(delivery_id, attempt)")

        // The sequence number given to the subscription's latest delivery (0 before the first).
        try db.execute(sql: """
            ALTER TABLE subscriptions ADD COLUMN last_delivery_sequence INTEGER NOT NULL DEFAULT 0
                CHECK(last_delivery_sequence >= 0)
            """)
    }
}
