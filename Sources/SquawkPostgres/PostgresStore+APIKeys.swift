import Foundation
import PostgresNIO
import SquawkStore

// MARK: - APIKeyStore

extension PostgresStore: APIKeyStore {
    /// Inserts a key; a duplicate id or hash is ``StoreError/Code/conflict``.
    public func insertKey(_ key: APIKeyRecord) async throws {
        try await transaction { conn in
            try await conn.query("""
                INSERT INTO api_keys (id, name, prefix, hash, created_at, revoked_at)
                VALUES (\(key.id), \(key.name), \(key.prefix), \(key.hash), \(key.createdAt.pg), \(key.revokedAt?.pg)::timestamptz)
                """, logger: self.logger)
        }
    }

    public func key(hash: String) async throws -> APIKeyRecord? {
        try await read { conn in
            try await self.rows(conn, "SELECT \(unescaped: Self.keyColumns) FROM api_keys WHERE hash = \(hash) AND revoked_at IS NULL")
                .first.map(Self.decodeKey)
        }
    }

    public func key(id: String) async throws -> APIKeyRecord? {
        try await read { conn in
            try await self.rows(conn, "SELECT \(unescaped: Self.keyColumns) FROM api_keys WHERE id = \(id)").first.map(Self.decodeKey)
        }
    }

    /// Every key, revoked ones included, oldest first.
    public func listKeys() async throws -> [APIKeyRecord] {
        try await read { conn in
            try await self.rows(conn, "SELECT \(unescaped: Self.keyColumns) FROM api_keys ORDER BY created_at, id").map(Self.decodeKey)
        }
    }

    public func revokeKey(id: String, at: Date) async throws -> Bool {
        try await transaction { conn in
            guard !(try await self.rows(conn, "UPDATE api_keys SET revoked_at = \(at.pg) WHERE id = \(id) AND revoked_at IS NULL RETURNING id").isEmpty)
            else { return false }
            // Its subscriptions stop at once: paused, their pending deliveries failed.
            let reason = "key_revoked"
            let owned = try await self.rows(conn, """
                UPDATE subscriptions SET status = 'disabled', disabled_reason = \(reason), updated_at = \(at.pg)
                WHERE owner_key_id = \(id) AND status = 'active' RETURNING id
                """).map { try $0[0].decode(String.self) }
            if !owned.isEmpty {
                try await conn.query("""
                    UPDATE deliveries SET status = 'failed', completed_at = \(at.pg), last_error = \("subscription disabled: " + reason)
                    WHERE subscription_id = ANY(\(owned)) AND status = 'pending'
                    """, logger: self.logger)
            }
            return true
        }
    }

    // MARK: - Rows

    static let keyColumns = "id, name, prefix, hash, created_at, revoked_at"

    static func decodeKey(_ r: PostgresRandomAccessRow) throws -> APIKeyRecord {
        APIKeyRecord(id: try r[0].decode(String.self), name: try r[1].decode(String.self), prefix: try r[2].decode(String.self),
                     hash: try r[3].decode(String.self), createdAt: try r[4].decode(PostgresTimestamp.self).date,
                     revokedAt: try r[5].decode(PostgresTimestamp?.self)?.date)
    }
}
