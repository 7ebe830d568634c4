/// Migration `0010_expired_status`: a delivery too old to send (past its subscription's
/// `maxAge`) ends `expired`, a status of its own, instead of `failed` with a reason; the rows
/// earlier versions ended that way become `expired`. The status checks of 0003 are replaced
/// (found by what they say, since PostgreSQL named them) with named ones.
enum PostgresMigration0010ExpiredStatus {
    static let name = "0010_expired_status"

    static let statements = [
        """
        DO $$
        DECLARE c record;
        BEGIN
            FOR c IN SELECT conname FROM pg_constraint
                     WHERE conrelid = 'deliveries'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%''failed''%'
            LOOP
                EXECUTE format('ALTER TABLE deliveries DROP CONSTRAINT %I', c.conname);
            END LOOP;
        END $$
        """,
        "UPDATE deliveries SET status = 'expired' WHERE status = 'failed' AND last_error LIKE 'expired:%'",
        "ALTER TABLE deliveries ADD CONSTRAINT deliveries_status CHECK (status IN ('pending','inflight','delivered','failed','expired'))",
        "ALTER TABLE deliveries ADD CONSTRAINT deliveries_completed CHECK ((status IN ('delivered','failed','expired')) = (completed_at IS NOT NULL))",
        "DROP INDEX deliveries_finished",
        "CREATE INDEX deliveries_finished ON deliveries (completed_at) WHERE status IN ('delivered','failed','expired')",
    ]
}
