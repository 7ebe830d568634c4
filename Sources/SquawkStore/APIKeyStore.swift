import Foundation

/// An API key as stored: the key itself is never stored, only its SHA-256 (hex).
public struct APIKeyRecord: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// First characters of the key (`sqk_ab12…`), to help people recognise it in listings.
    public var prefix: String
    public var hash: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: String, name: String, prefix: String, hash: String, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.prefix = prefix
        self.hash = hash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// API keys (hashed).
public protocol APIKeyStore: Sendable {
    func insertKey(_ key: APIKeyRecord) async throws
    /// The unrevoked key with this hash.
    func key(hash: String) async throws -> APIKeyRecord?
    /// The key with this id, revoked or not.
    func key(id: String) async throws -> APIKeyRecord?
    func listKeys() async throws -> [APIKeyRecord]
    /// Marks revoked; false when no such (unrevoked) key.
    func revokeKey(id: String, at: Date) async throws -> Bool
}
