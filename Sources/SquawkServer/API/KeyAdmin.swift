import Foundation
import SquawkCore
import SquawkStore

/// The logic behind `squawk keys create|list|revoke`: API keys are generated here, shown once,
/// and stored only as their SHA-256 (``KeyHash/sha256Hex(_:)``) plus a short prefix that
/// helps people recognise a key in listings.
public struct KeyAdmin: Sendable {
    /// Characters of the key kept in clear: `sqk_` and 8 more.
    static let prefixLength = 12
    static let maxNameLength = 100

    let store: any APIKeyStore

    public init(store: any APIKeyStore) {
        self.store = store
    }

    // MARK: - Commands

    /// A new key and its stored record. `key` exists only here: print it once.
    public struct CreatedKey: Sendable {
        public var record: APIKeyRecord
        public var key: String
    }

    /// Generates, stores and returns a new key named `name`.
    public func create(name: String, now: Date = Date()) async throws -> CreatedKey {
        var rng = SystemRandomNumberGenerator()
        let created = try Self.makeKey(name: name, now: now, using: &rng)
        try await store.insertKey(created.record)
        return created
    }

    /// Every key, revoked ones included, oldest first.
    public func list() async throws -> [APIKeyRecord] {
        try await store.listKeys()
    }

    /// Revokes the key with this id; throws when there is no such unrevoked key.
    public func revoke(id: String, now: Date = Date()) async throws {
        guard try await store.revokeKey(id: id, at: now) else {
            throw KeyAdminError("key_not_found", "no active API key with id \(id)")
        }
    }

    // MARK: - Pure parts

    /// A new key (`sqk_` + 40 random characters), its id (time-ordered, `key_…`) and the record
    /// to store. Randomness is a parameter (DESIGN.md rule 3).
    public static func makeKey(name: String, now: Date, using rng: inout some RandomNumberGenerator) throws -> CreatedKey {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= maxNameLength, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw KeyAdminError("name_invalid", "a key name is 1–\(maxNameLength) printable characters")
        }
        let key = Identifiers.apiKey(using: &rng)
        let record = APIKeyRecord(id: Identifiers.make(prefix: "key", at: now, using: &rng), name: name,
                                  prefix: String(key.prefix(prefixLength)), hash: KeyHash.sha256Hex(key), createdAt: now)
        return CreatedKey(record: record, key: key)
    }

    /// `squawk keys list` output: one aligned line per key, with a header.
    public static func table(_ keys: [APIKeyRecord]) -> String {
        guard !keys.isEmpty else { return "no API keys (create one with: squawk keys create --name NAME)" }
        let rows = [["ID", "NAME", "PREFIX", "CREATED", "STATUS"]] + keys.map { key in
            [key.id, key.name, key.prefix + "…", timestamp(key.createdAt),
             key.revokedAt.map { "revoked " + timestamp($0) } ?? "active"]
        }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, text in
                column == row.count - 1 ? text : text + String(repeating: " ", count: widths[column] - text.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// `2026-01-01T00:00:00Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

/// A `squawk keys` failure with a stable code.
public struct KeyAdminError: Error, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}
