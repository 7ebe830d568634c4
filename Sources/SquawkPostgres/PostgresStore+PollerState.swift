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
        try await transaction { conn in
            try await conn.query("""
                INSERT INTO poller_state (key, value, updated_at) VALUES (\(key), \(value), \(at.pg))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """, logger: self.logger)
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
