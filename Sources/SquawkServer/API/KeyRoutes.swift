import Foundation
import Hummingbird
import SquawkCore
import SquawkStore

/// `/v1/keys`: the admin key creates, lists and revokes tenant keys (what `squawk keys` does,
/// over HTTP, for the console). A tenant key gets 403: keys are not its business.
struct KeyRoutes: Sendable {
    let deps: APIDependencies

    func register(on routes: RouteTable) {
        routes.on(.get, "keys", responses: [200, 403], list)
        routes.on(.post, "keys", responses: [201, 403, 413, 415, 422], create)
        routes.on(.delete, "keys/:id", responses: [204, 403, 404], revoke)
    }

    struct KeyDTO: Encodable {
        var id: String
        var name: String
        var prefix: String
        var createdAt: Date
        var revokedAt: Date?
        /// Only in the answer to a create: the key itself, shown once.
        var key: String?

        init(_ r: APIKeyRecord, key: String? = nil) {
            (id, name, prefix, createdAt, revokedAt, self.key) = (r.id, r.name, r.prefix, r.createdAt, r.revokedAt, key)
        }
    }

    struct KeyListDTO: Encodable { var data: [KeyDTO] }

    private func requireAdmin(_ context: APIContext) throws {
        guard try context.requireOwner() == AuthMiddleware.adminOwner else {
            throw APIError(.forbidden, "admin_only", "only the admin key manages API keys")
        }
    }

    @Sendable func list(_ request: Request, context: APIContext) async throws -> Response {
        try requireAdmin(context)
        return try .json(.ok, KeyListDTO(data: try await KeyAdmin(store: deps.keys).list().map { KeyDTO($0) }))
    }

    @Sendable func create(_ request: Request, context: APIContext) async throws -> Response {
        try requireAdmin(context)
        guard case .object(let o) = try await request.jsonBody(context: context) else {
            throw APIError(.unprocessableContent, "body_invalid", "the body must be a JSON object {\"name\": …}")
        }
        if let extra = o.keys.sorted().first(where: { $0 != "name" }) {
            throw APIError(.unprocessableContent, "unknown_field", "unknown field \"\(extra)\"; allowed: name", field: extra)
        }
        guard let name = o["name"]?.stringValue else {
            throw APIError(.unprocessableContent, "field_required", "name is required (a string)", field: "name")
        }
        do {
            let created = try await KeyAdmin(store: deps.keys).create(name: name, now: deps.now())
            return try .json(.created, KeyDTO(created.record, key: created.key))
        } catch let e as KeyAdminError {
            throw APIError(.unprocessableContent, e.code, e.message, field: "name")
        }
    }

    @Sendable func revoke(_ request: Request, context: APIContext) async throws -> Response {
        try requireAdmin(context)
        let id = try context.parameters.require("id")
        do {
            try await KeyAdmin(store: deps.keys).revoke(id: id, now: deps.now())
        } catch is KeyAdminError {
            throw APIError.notFound("API key \(id)")
        }
        // The store paused the key's subscriptions: the matcher hears of each at once.
        var after: String?
        repeat {
            let page = try await deps.subscriptions.list(SubscriptionQuery(ownerKeyId: id, after: after, limit: 1_000))
            for s in page.items { await deps.onChange(.upserted(s)) }
            after = page.nextCursor
        } while after != nil
        return Response(status: .noContent)
    }
}
