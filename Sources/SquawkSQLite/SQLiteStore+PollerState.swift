import Foundation
import GRDB
import SquawkStore

// MARK: - PollerStateStore

extension SQLiteStore: PollerStateStore {
    public func loadPollerStates() async throws -> [String: Data] {
        try await read { db in
            var out: [String: Data] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM poller_state") {
                out[row["key"]] = row["value"]
            }
            return out
        }
    }

    public func savePollerState(key: String, value: Data, at: Date) async throws {
        try await write { db in try Self.savePollerStates([key: value], at: at, db) }
    }

    /// Upserts `states` inside the caller's transaction.
    static func savePollerStates(_ states: [String: Data], at: Date, _ db: Database) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO poller_state (key, value, updated_at) VALUES (?, ?, ?)
            ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """)
        for (key, value) in states { try upsert.execute(arguments: [key, value, at.timeIntervalSince1970]) }
    }
}
