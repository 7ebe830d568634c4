/// Migration `0004_poller_state`: the poller's derived state by key (the diff engine's state per
/// server, as JSON bytes), replaced whole on every save; and the leadership leases that let one
/// instance of a cluster poll each upstream (``LeaderElection``).
enum PostgresMigration0004PollerState {
    static let name = "0004_poller_state"

    static let statements = [
        """
        CREATE TABLE poller_state (
            key        text COLLATE "C" NOT NULL PRIMARY KEY CHECK (char_length(key) BETWEEN 1 AND 200),
            value      bytea NOT NULL,
            updated_at timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE leadership (
            name        text COLLATE "C" NOT NULL PRIMARY KEY CHECK (char_length(name) BETWEEN 1 AND 200),
            holder      text NOT NULL CHECK (char_length(holder) BETWEEN 1 AND 200),
            lease_until timestamptz NOT NULL,
            since       timestamptz NOT NULL
        )
        """,
    ]
}
