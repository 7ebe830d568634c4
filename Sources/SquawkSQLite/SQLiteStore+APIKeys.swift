import Foundation
import GRDB
import SquawkStore

// MARK: - APIKeyStore

extension SQLiteStore: APIKeyStore {
    /// Inserts a key; a duplicate id or hash is ``StoreError/Code/conflict``.
    public func insertKey(_ key: APIKeyRecord) async throws {
        try await write { db in
            try db.execute(sql: "INSERT INTO api_keys (id, name, prefix, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [key.id, key.name, key.prefix, key.hash, key.createdAt.timeIntervalSince1970,
                                       key.revokedAt?.timeIntervalSince1970])
        }
    }

    public func key(hash: String) async throws -> APIKeyRecord? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.keyColumns) FROM api_keys WHERE hash = ? AND revoked_at IS NULL"), arguments: [hash])
                .map(Self.decodeKey)
        }
    }

    public func key(id: String) async throws -> APIKeyRecord? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.keyColumns) FROM api_keys WHERE id = ?"), arguments: [id]).map(Self.decodeKey)
        }
    }

    /// Every key, revoked ones included, oldest first.
    public func listKeys() async throws -> [APIKeyRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.keyColumns) FROM api_keys ORDER BY created_at, id").map(Self.decodeKey)
        }
    }

    public func revokeKey(id: String, at: Date) async throws -> Bool {
        // Its subscriptions are paused below.
        defer { readCache.removeAll() }
        return try await write { db in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                           arguments: [at.timeIntervalSince1970, id])
            guard db.changesCount > 0 else { return false }
            // Its subscriptions stop at once: paused, their pending deliveries failed.
            let owned = try String.fetchAll(db, sql: "SELECT id FROM subscriptions WHERE owner_key_id = ? AND status = 'active'",
                                            arguments: [id])
            for subscription in owned {
                try Self.disableSubscription(db, id: subscription, reason: Self.keyRevokedReason, at: at)
            }
            return true
        }
    }

    /// `disabledReason` of the subscriptions of a revoked key.
    static let keyRevokedReason = "key_revoked"

    // MARK: - Rows

    static let keyColumns = "id, name, prefix, hash, created_at, revoked_at"

    static func decodeKey(_ row: Row) -> APIKeyRecord {
        let created: Double = row[4]
        let revoked: Double? = row[5]
        return APIKeyRecord(id: row[0], name: row[1], prefix: row[2], hash: row[3], createdAt: Date(timeIntervalSince1970: created),
                            revokedAt: revoked.map(Date.init(timeIntervalSince1970:)))
    }
}
