/// Migration `0003_deliveries`: the outbox and delivery log — events, one delivery per (event,
/// subscription), every attempt. Append-only: never edit once landed.
///
/// Beyond the conventions of ``PostgresMigration0001Subscriptions``:
/// - `events.type` is checked by character set, not an `IN (…)` list, so a new event type needs
///   no migration (the Swift decoder rejects unknown ones);
/// - the status columns of `deliveries` are tied together by CHECKs: a lease exactly while
///   `inflight`, a completion time exactly once `delivered` or `failed`;
/// - `position` (an identity) is insertion order: the tie-break of claims due at the same time,
///   and the order of attempts logged under one number.
///
/// ### Ordering groups
/// Unlike SQLite, there is no `blocked` column: with several instances claiming at once, a flag
/// kept by each status change would need every writer of a group serialised. A claim instead asks
/// of each candidate that no earlier unfinished delivery of its group exists (an index probe of
/// `deliveries_unfinished`); a row locked by another claimer is skipped (`SKIP LOCKED`), and an
/// earlier row being claimed right now is still unfinished in every snapshot, so two instances
/// never send two deliveries of one group at once.
enum PostgresMigration0003Deliveries {
    static let name = "0003_deliveries"

    static let statements = [
        """
        CREATE TABLE events (
            id                   text COLLATE "C" NOT NULL PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 128),
            type                 text NOT NULL CHECK (char_length(type) BETWEEN 1 AND 64 AND type !~ '[^a-z._]'),
            at                   timestamptz NOT NULL,
            server_id            text,
            server_name          text,
            flight_id            text,
            user_id              text,
            username             text,
            callsign             text,
            virtual_organization text,
            airport              text,
            frequency_id         text,
            data                 json NOT NULL DEFAULT '{}' CHECK (json_typeof(data) = 'object'),
            created_at           timestamptz NOT NULL,
            CHECK ((server_id IS NULL) = (server_name IS NULL))
        )
        """,
        // prune(): events older than the retention window.
        "CREATE INDEX events_created ON events (created_at)",
        """
        CREATE TABLE deliveries (
            id               text COLLATE "C" NOT NULL PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 64),
            position         bigint GENERATED ALWAYS AS IDENTITY,
            event_id         text COLLATE "C" NOT NULL REFERENCES events (id),
            subscription_id  text COLLATE "C" NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            sequence         bigint NOT NULL CHECK (sequence >= 1),
            ordering_key     text COLLATE "C" NOT NULL CHECK (char_length(ordering_key) >= 1),
            status           text NOT NULL CHECK (status IN ('pending','inflight','delivered','failed')),
            attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at  timestamptz NOT NULL,
            lease_until      timestamptz,
            last_error       text,
            last_status_code integer CHECK (last_status_code IS NULL OR last_status_code BETWEEN 100 AND 999),
            created_at       timestamptz NOT NULL,
            completed_at     timestamptz,
            UNIQUE (event_id, subscription_id),
            UNIQUE (subscription_id, sequence),
            CHECK ((status = 'inflight') = (lease_until IS NOT NULL)),
            CHECK ((status IN ('delivered','failed')) = (completed_at IS NOT NULL))
        )
        """,
        // claim(): pending work, oldest due first (ties: insertion order).
        "CREATE INDEX deliveries_due ON deliveries (next_attempt_at, position) WHERE status = 'pending'",
        // claim(): expired leases; queueStats(): the inflight count.
        "CREATE INDEX deliveries_leases ON deliveries (lease_until, position) WHERE status = 'inflight'",
        // Ordering groups: is there an earlier unfinished delivery of this group?
        """
        CREATE INDEX deliveries_unfinished ON deliveries (ordering_key, sequence) WHERE status IN ('pending','inflight')
        """,
        // prune(): finished deliveries by completion time.
        "CREATE INDEX deliveries_finished ON deliveries (completed_at) WHERE status IN ('delivered','failed')",
        """
        CREATE TABLE delivery_attempts (
            delivery_id      text COLLATE "C" NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
            position         bigint GENERATED ALWAYS AS IDENTITY,
            attempt          integer NOT NULL CHECK (attempt >= 1),
            at               timestamptz NOT NULL,
            status_code      integer CHECK (status_code IS NULL OR status_code BETWEEN 100 AND 999),
            latency_ms       integer NOT NULL CHECK (latency_ms >= 0),
            response_snippet text CHECK (response_snippet IS NULL OR char_length(response_snippet) <= 1024),
            error            text
        )
        """,
        // attempts(deliveryId:), and the cascade from deliveries. Not unique: a send repeated after
        // an expired lease is logged twice under one number, as it happened.
        "CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, attempt, position)",
    ]
}
