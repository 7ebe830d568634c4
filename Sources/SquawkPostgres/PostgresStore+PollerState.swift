import Foundation
import PostgresNIO
import SquawkStore

// MARK: - PollerStateStore, LeaderElection

extension PostgresStore: PollerStateStore {
    public func loadPollerStates() async throws -> [String: Data] {
        try await read { conn in
            var out: [String: Data] = [:]
            for r in try await self.rows(conn, "SELECT key, value FROM poller_state") {
                out[try r[0].decode(String.self)] = try r[1].decode(Data.self)
            }
            return out
        }
    }

    public func savePollerState(key: String, value: Data, at: Date) async throws {
        try await transaction { conn in try await self.savePollerStates([key: value], at: at, conn) }
    }

    /// Upserts `states` inside the caller's transaction.
    func savePollerStates(_ states: [String: Data], at: Date, _ conn: PostgresConnection) async throws {
        for (key, value) in states.sorted(by: { $0.key < $1.key }) {
            try await conn.query("""
                INSERT INTO poller_state (key, value, updated_at) VALUES (\(key), \(value), \(at.pg))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """, logger: self.logger)
        }
    }

    /// Inside the caller's transaction: fails with ``StoreError/Code/notLeader`` unless `fence`'s
    /// holder holds its lease at its time, and locks the lease row (`FOR SHARE`) so no other
    /// instance can take it over before the transaction ends.
    func checkFence(_ fence: PollCommit.Fence, _ conn: PostgresConnection) async throws {
        let held = try await rows(conn, """
            SELECT 1 FROM leadership WHERE name = \(fence.name) AND holder = \(fence.holder) AND lease_until > \(fence.at.pg) FOR SHARE
            """)
        guard !held.isEmpty else {
            throw StoreError(.notLeader, "the lease of \(fence.name) is no longer held by this instance; nothing was written")
        }
    }
}

extension PostgresStore: LeaderElection {
    /// One upsert on the `leadership` row of `name`: it takes the row when it is missing, held by
    /// `holder`, or expired at `now`, and returns the holder either way; `since` keeps the time
    /// the current holder first took it.
    public func acquireLeadership(_ name: String, holder: String, now: Date, lease: Duration) async throws -> Bool {
        let until = now.addingTimeInterval(lease.timeInterval)
        return try await transaction { conn in
            !(try await self.rows(conn, """
                INSERT INTO leadership AS l (name, holder, lease_until, since) VALUES (\(name), \(holder), \(until.pg), \(now.pg))
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until,
                    since = CASE WHEN l.holder = excluded.holder THEN l.since ELSE excluded.since END
                WHERE l.holder = excluded.holder OR l.lease_until <= excluded.since
                RETURNING holder
                """).isEmpty)
        }
    }

    public func releaseLeadership(_ name: String, holder: String) async throws {
        try await transaction { conn in
            try await conn.query("DELETE FROM leadership WHERE name = \(name) AND holder = \(holder)", logger: self.logger)
        }
    }
}
