import Foundation
import HTTPTypes
import Hummingbird
import SquawkCore
import SquawkStore

/// Authenticates `Authorization: Bearer <key>` against the admin key (configuration) and the
/// key store (SHA-256 of the key). Sets ``APIContext/owner``; answers 401 otherwise.
/// Keys are compared by hash, never logged.
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = APIContext
    let keys: any APIKeyStore
    /// SHA-256 hex of the admin key, if one is configured.
    let adminKeyHash: String?

    public init(keys: any APIKeyStore, adminKeyHash: String?) {
        self.keys = keys
        self.adminKeyHash = adminKeyHash
    }

    /// The owner id of the admin key.
    public static let adminOwner = "admin"

    public func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], let key = Self.bearerToken(header) else {
            throw APIError(.unauthorized, "unauthorized", "send an API key as Authorization: Bearer <key>")
        }
        let hash = KeyHash.sha256Hex(key)
        var context = context
        let tenant = request.headers[.squawkTenant]
        if let admin = adminKeyHash, KeyHash.constantTimeEqual(hash, admin) {
            context.owner = Self.adminOwner
            if let tenant, tenant != Self.adminOwner {
                // The admin acting for a tenant (as Stripe-Account does for a platform): every
                // route then sees and changes that key's subscriptions and deliveries.
                guard let record = try await keys.key(id: tenant), record.revokedAt == nil else {
                    throw APIError(.notFound, "tenant_not_found", "no active API key with id \(tenant) (Squawk-Tenant)", field: "Squawk-Tenant")
                }
                context.owner = tenant
            }
        } else if let record = try await keys.key(hash: hash) {
            guard tenant == nil || tenant == record.id else {
                throw APIError(.forbidden, "admin_only", "only the admin key may act for another key (Squawk-Tenant)", field: "Squawk-Tenant")
            }
            context.owner = record.id
        } else {
            throw APIError(.unauthorized, "unauthorized", "the API key is not valid or was revoked")
        }
        return try await next(request, context)
    }

    /// The token of `Bearer <token>` (scheme in any case, blanks around the token dropped), or
    /// nil for another scheme. Read byte by byte: it runs on every request.
    static func bearerToken(_ header: String) -> String? {
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count >= scheme.count else { return nil }
        for i in scheme.indices {
            let b = bytes[i]
            guard (0x41...0x5A).contains(b) ? b | 0x20 == scheme[i] : b == scheme[i] else { return nil }
        }
        var start = scheme.count, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

extension HTTPField.Name {
    /// `Squawk-Tenant: key_…`: the admin key acts for that tenant key.
    public static let squawkTenant = HTTPField.Name("Squawk-Tenant")!
}
