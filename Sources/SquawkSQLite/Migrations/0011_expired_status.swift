import GRDB

/// Migration `0011_expired_status`: a delivery too old to send (past its subscription's
/// `maxAge`) ends `expired`, a status of its own, instead of `failed` with a reason. SQLite cannot
/// change a CHECK constraint in place, so the table is rebuilt (SQLite's documented procedure;
/// the migrator runs it with foreign keys off and checks them before committing), and the rows
/// that earlier versions ended `failed` with an `expired:` reason become `expired`.
enum Migration0011ExpiredStatus {
    static let name = "0011_expired_status"

    static func apply(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE deliveries_new (
                id               TEXT NOT NULL PRIMARY KEY CHECK(length(id) BETWEEN 1 AND 64),
                event_id         TEXT NOT NULL REFERENCES events(id),
                subscription_id  TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
                sequence         INTEGER NOT NULL CHECK(sequence >= 1),
                ordering_key     TEXT NOT NULL CHECK(length(ordering_key) >= 1),
                status           TEXT NOT NULL CHECK(status IN ('pending','inflight','delivered','failed','expired')),
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
                CHECK((status IN ('delivered','failed','expired')) = (completed_at IS NOT NULL)),
                CHECK(blocked = 0 OR status IN ('pending','inflight'))
            )
            """)
        try db.execute(sql: """
            INSERT INTO deliveries_new (id, event_id, subscription_id, sequence, ordering_key, status, blocked, attempts, next_attempt_at,
                                        lease_until, last_error, last_status_code, created_at, completed_at)
            SELECT id, event_id, subscription_id, sequence, ordering_key,
                   CASE WHEN status = 'failed' AND last_error LIKE 'expired:%' THEN 'expired' ELSE status END,
                   blocked, attempts, next_attempt_at, lease_until, last_error, last_status_code, created_at, completed_at
            FROM deliveries
            """)
        try db.execute(sql: "DROP TABLE deliveries")
        try db.execute(sql: "ALTER TABLE deliveries_new RENAME TO deliveries")
        // The indexes of 0003 and 0006, with finished deliveries now including expired ones.
        try db.execute(sql: "CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending' AND blocked = 0")
        try db.execute(sql: "CREATE INDEX deliveries_leases ON deliveries(lease_until) WHERE status = 'inflight'")
        try db.execute(sql: "CREATE INDEX deliveries_group ON deliveries(ordering_key, sequence)")
        try db.execute(sql: "CREATE INDEX deliveries_finished ON deliveries(completed_at) WHERE status IN ('delivered','failed','expired')")
    }
}
