import Foundation
import HTTPTypes
import Hummingbird
import SquawkCore
import SquawkStore

/// `/v1/subscriptions…`: decode, validate in the core, call the store, answer a DTO
/// (DESIGN.md rule 9). Errors are thrown and become problem responses in ``ProblemMiddleware``.
struct SubscriptionRoutes: Sendable {
    let deps: APIDependencies

    static let maxPageSize = 200

    func register(on routes: RouteTable) {
        routes.on(.post, "subscriptions", query: ["dryRun"], headers: ["Idempotency-Key"], responses: [200, 201, 403, 409, 413, 415, 422, 429], create)
        routes.on(.get, "subscriptions", query: ["limit", "cursor", "kind", "targetId", "status", "format"], responses: [200], list)
        routes.on(.get, "subscriptions/:id", responses: [200, 404], get)
        routes.on(.patch, "subscriptions/:id", responses: [200, 404, 413, 415, 422, 429], update)
        routes.on(.delete, "subscriptions/:id", responses: [204, 404], delete)
        routes.on(.post, "subscriptions/:id/rotate-secret", responses: [200, 404, 413, 415, 422, 429], rotateSecret)
        routes.on(.post, "subscriptions/:id/enable", responses: [200, 404, 429], enable)
        routes.on(.post, "subscriptions/:id/pause", responses: [200, 404, 429], pause)
    }

    // MARK: - Handlers

    @Sendable func create(_ request: Request, context: APIContext) async throws -> Response {
        let owner = try context.requireOwner()
        let json = try await request.jsonBody(context: context)
        let parsed = try SubscriptionRequest.parse(json, airports: deps.rules.airports)
        let now = deps.now()
        let dryRun = try request.boolQuery("dryRun") ?? false
        let subscription = try deps.rules.newSubscription(parsed, id: deps.makeID("sub", now), owner: owner, now: now)
        if dryRun {
            return try .json(.ok, DryRunDTO(valid: true, subscription: SubscriptionDTO(subscription), watches: Self.describe(subscription, airports: deps.rules.airports)))
        }
        try deps.spendWrite(owner)
        try await deps.checkAllowance(owner)
        var idempotency: IdempotencyRecord?
        if let key = request.headers[.idempotencyKey] {
            guard !key.isEmpty, key.count <= 255 else {
                throw APIError(.badRequest, "idempotency_key_invalid", "Idempotency-Key must be 1–255 characters")
            }
            idempotency = IdempotencyRecord(key: key, requestHash: KeyHash.sha256Hex(json.canonicalJSON), subscriptionId: subscription.id)
        }
        let secret = SigningSecret(secret: deps.makeSecret(), createdAt: now)
        do {
            let (stored, created) = try await deps.subscriptions.create(subscription, secret: secret, idempotency: idempotency)
            if created { await deps.onChange(.upserted(stored)) }
            // A replay (same key, same owner, same body) answers exactly as the first request did,
            // secret included, as long as that secret is still valid: a client whose first
            // answer was lost must be able to verify signatures.
            var shown: String? = secret.secret
            if !created {
                shown = try await deps.subscriptions.secrets(subscriptionId: stored.id, now: now)
                    .first { abs($0.createdAt.timeIntervalSince(stored.createdAt)) < 0.001 }?.secret
            }
            var response = try Response.json(.created, SubscriptionDTO(stored, secret: shown))
            response.headers[.location] = "/v1/subscriptions/\(stored.id)"
            if !created { response.headers[.idempotentReplayed] = "true" }
            return response
        } catch let e as StoreError where e.code == .conflict {
            throw APIError(.conflict, "idempotency_key_reused", "this Idempotency-Key was already used with a different request body")
        }
    }

    @Sendable func list(_ request: Request, context: APIContext) async throws -> Response {
        let owner = try context.requireOwner()
        let q = request.uri.queryParameters
        var query = SubscriptionQuery(ownerKeyId: owner)
        if let limit = q["limit"] {
            guard let n = Int(limit), (1...Self.maxPageSize).contains(n) else {
                throw APIError(.badRequest, "invalid_query", "limit must be an integer from 1 to \(Self.maxPageSize)", field: "limit")
            }
            query.limit = n
        }
        if let cursor = q["cursor"] {
            // A cursor is the id of the last subscription of a page: anything else is a client's
            // mistake, not an empty page.
            guard Identifiers.isID(String(cursor), prefix: "sub") else {
                throw APIError(.badRequest, "invalid_query", "cursor must be the nextCursor of a previous page", field: "cursor")
            }
            query.after = String(cursor)
        }
        if let kind = q["kind"] {
            guard let k = TargetKind(rawValue: String(kind)) else { throw APIError(.badRequest, "invalid_query", "kind must be one of \(TargetKind.allCases.map(\.rawValue).joined(separator: ", "))", field: "kind") }
            query.targetKind = k
        }
        if let id = q["targetId"] { query.targetId = String(id) }
        if let status = q["status"] {
            guard let s = SubscriptionStatus(rawValue: String(status)) else { throw APIError(.badRequest, "invalid_query", "status must be active or disabled", field: "status") }
            query.status = s
        }
        if let format = q["format"] {
            guard let f = PayloadFormat(rawValue: String(format)) else { throw APIError(.badRequest, "invalid_query", "format must be one of \(PayloadFormat.allCases.map(\.rawValue).joined(separator: ", "))", field: "format") }
            query.format = f
        }
        return try await rendered(.list(query), now: deps.now()) {
            let page = try await deps.subscriptions.list(query)
            return (SubscriptionListDTO(data: page.items.map { SubscriptionDTO($0) }, nextCursor: page.nextCursor), nil)
        }
    }

    @Sendable func get(_ request: Request, context: APIContext) async throws -> Response {
        let owner = try context.requireOwner()
        let id = try context.parameters.require("id")
        let now = deps.now()
        return try await rendered(.detail(owner: owner, id: id), now: now) {
            guard let (s, secrets) = try await deps.subscriptions.detail(id: id, owner: owner, now: now) else {
                throw APIError.notFound("subscription \(id)")
            }
            var dto = SubscriptionDTO(s)
            dto.secrets = secrets.map { SecretInfoDTO(createdAt: $0.createdAt, expiresAt: $0.expiresAt) }
            // The answer changes when the first listed secret expires.
            return (dto, secrets.compactMap(\.expiresAt).min())
        }
    }

    /// A `200` JSON answer: the kept body of `key` when the store's version has not moved since
    /// it was read (``RenderedAnswers``), else `read`'s value written and kept.
    private func rendered<Value: DirectJSON>(_ key: RenderedAnswers.Key, now: Date,
                                             _ read: () async throws -> (Value, validUntil: Date?)) async throws -> Response {
        let version = await deps.subscriptions.readVersion()
        if let version, let body = deps.rendered.body(key, version: version, now: now) { return .json(.ok, body: body) }
        let (value, validUntil) = try await read()
        let body = Response.jsonBody(value)
        if let version { deps.rendered.keep(key, version: version, validUntil: validUntil, body: body) }
        return .json(.ok, body: body)
    }

    @Sendable func update(_ request: Request, context: APIContext) async throws -> Response {
        let existing = try await load(context)
        let parsed = try SubscriptionRequest.parse(try await request.jsonBody(context: context), airports: deps.rules.airports)
        let updated = try deps.rules.updated(existing, with: parsed, now: deps.now())
        try deps.spendWrite(existing.ownerKeyId)
        try await deps.subscriptions.update(updated)
        await deps.onChange(.upserted(updated))
        return try .json(.ok, SubscriptionDTO(updated))
    }

    @Sendable func delete(_ request: Request, context: APIContext) async throws -> Response {
        let owner = try context.requireOwner()
        let id = try context.parameters.require("id")
        guard try await deps.subscriptions.delete(id: id, owner: owner) else { throw APIError.notFound("subscription \(id)") }
        await deps.onChange(.deleted(id: id))
        return Response(status: .noContent)
    }

    @Sendable func rotateSecret(_ request: Request, context: APIContext) async throws -> Response {
        let s = try await load(context)
        try deps.spendWrite(s.ownerKeyId)
        var overlap = deps.defaultRotationOverlap
        let body = try await request.jsonBody(context: context, optional: true)
        if case .object(let o) = body {
            // `expiresIn` (seconds the current secret stays valid; 0 = now); `overlapSeconds` is its older name.
            if let extra = o.keys.first(where: { $0 != "expiresIn" && $0 != "overlapSeconds" }) {
                throw APIError(.unprocessableContent, "unknown_field", "unknown field \"\(extra)\"; allowed: expiresIn", field: extra)
            }
            for name in ["overlapSeconds", "expiresIn"] {
                guard let v = o[name] else { continue }
                guard let n = v.doubleValue, n >= 0, n <= 7 * 86400, n.rounded() == n else {
                    throw APIError(.unprocessableContent, "overlap_invalid", "\(name) must be a whole number of seconds from 0 to 604800", field: name)
                }
                overlap = .seconds(Int(n))
            }
        } else if case .null = body {} else {
            throw APIError(.unprocessableContent, "body_invalid", "the body must be a JSON object or empty")
        }
        let now = deps.now()
        let secret = SigningSecret(secret: deps.makeSecret(), createdAt: now)
        let previousExpires = now.addingTimeInterval(Double(overlap.components.seconds))
        try await deps.subscriptions.rotateSecret(id: s.id, owner: s.ownerKeyId, newSecret: secret, previousExpiresAt: previousExpires)
        let live = try await deps.subscriptions.secrets(subscriptionId: s.id, now: now)
        return try .json(.ok, SecretDTO(secret: secret.secret, previousSecretExpiresAt: previousExpires, secrets: live.map(SecretInfoDTO.init)))
    }

    @Sendable func enable(_ request: Request, context: APIContext) async throws -> Response {
        var s = try await load(context)
        try deps.spendWrite(s.ownerKeyId)
        let now = deps.now()
        try await deps.subscriptions.setStatus(id: s.id, status: .active, reason: nil, at: now)
        s.status = .active
        s.disabledReason = nil
        s.updatedAt = now
        await deps.onChange(.upserted(s))
        return try .json(.ok, SubscriptionDTO(s))
    }

    /// Stops deliveries until `enable`: the subscription is disabled with the reason "paused".
    @Sendable func pause(_ request: Request, context: APIContext) async throws -> Response {
        var s = try await load(context)
        try deps.spendWrite(s.ownerKeyId)
        let now = deps.now()
        try await deps.subscriptions.setStatus(id: s.id, status: .disabled, reason: Self.pausedReason, at: now)
        s.status = .disabled
        s.disabledReason = Self.pausedReason
        s.updatedAt = now
        await deps.onChange(.upserted(s))
        return try .json(.ok, SubscriptionDTO(s))
    }

    static let pausedReason = "paused"

    // MARK: - Helpers

    private func load(_ context: APIContext) async throws -> Subscription {
        let owner = try context.requireOwner()
        let id = try context.parameters.require("id")
        guard let s = try await deps.subscriptions.get(id: id, owner: owner) else { throw APIError.notFound("subscription \(id)") }
        return s
    }

    /// "flight.landing, flight.takeoff for callsigns starting with DAL on Expert Server, …", for dry runs.
    static func describe(_ s: Subscription, airports: AirportIndex) -> String {
        let events = s.events == s.target.kind.defaultEvents ? "all \(s.target.kind.rawValue) events" : s.events.map(\.rawValue).sorted().joined(separator: ", ")
        let what: String
        switch s.target.kind {
        case .flight: what = "flight \(s.target.id)"
        case .callsign:
            let id = s.target.id
            what = id.hasSuffix("*") ? "callsigns starting with \(id.dropLast())" : id.hasPrefix("*") ? "callsigns ending with \(id.dropFirst())" : "callsign \(id)"
        case .user: what = "pilot \(s.target.id)"
        case .airport: what = "\(airports[s.target.id]?.name ?? s.target.id) (\(s.target.id))"
        case .server: what = "every flight on \(s.target.id)"
        case .flsFlight: what = "FLS flight \(s.target.id)"
        case .flsClub: what = "every flight of FLS instance \(s.target.id)"
        }
        let server: String = switch s.target.kind {
        case .server, .flsFlight, .flsClub: ""
        default: s.server.map { " on \($0)" } ?? " on every server"
        }
        let filters = s.filters.isEmpty ? "" : " (only \(s.filters.summary))"
        return "\(events) for \(what)\(server)\(filters), delivered as \(s.format.rawValue) to \(s.notifyEndpoint)"
    }
}

// MARK: - Request and response helpers

extension APIDependencies {
    /// Spends one of `owner`'s writes this minute, or answers 429 with `Retry-After` (the admin
    /// key is exempt).
    func spendWrite(_ owner: String) throws {
        guard owner != AuthMiddleware.adminOwner, let wait = writes.admit(owner, now: now()) else { return }
        throw APIError(.tooManyRequests, "rate_limited",
                       "this key made \(limits.writesPerMinute) changes in the last minute; retry in \(wait) s", retryAfter: wait)
    }

    /// Refuses a create past `owner`'s subscription allowance (the admin key is exempt).
    func checkAllowance(_ owner: String) async throws {
        guard owner != AuthMiddleware.adminOwner, limits.maxSubscriptions > 0 else { return }
        let owned = try await subscriptions.count(owner: owner)
        guard owned < limits.maxSubscriptions else {
            throw APIError(.unprocessableContent, "subscription_limit",
                           "this key owns \(owned) subscriptions, the most allowed (\(limits.maxSubscriptions)); delete some first")
        }
    }
}

extension APIContext {
    func requireOwner() throws -> String {
        guard let owner else { throw APIError(.unauthorized, "unauthorized", "send an API key as Authorization: Bearer <key>") }
        return owner
    }
}

extension Request {
    /// The body as JSON; malformed JSON is a 400 `json_invalid`, an empty body a 400 `body_required`
    /// (or `.null` when `optional`).
    func jsonBody(context: some RequestContext, optional: Bool = false) async throws -> JSONValue {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 {
            if optional { return .null }
            throw APIError(.badRequest, "body_required", "a JSON body is required")
        }
        let type = headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard let type, type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type",
                           "send the body as JSON with Content-Type: application/json" + (type.map { " (got \($0))" } ?? " (none was sent)"))
        }
        guard let value = Self.readJSON(Array(buffer.readableBytesView)) else {
            throw APIError(.badRequest, "json_invalid", "the body is not valid JSON")
        }
        return value
    }

    /// A request body as JSON: UTF-8 (RFC 8259 §8.1), one value, finite numbers; nil otherwise.
    /// Read directly (``JSONValue/parse(_:)``): `JSONDecoder` trying each case of the enum in turn
    /// was a sixth of a create's CPU.
    static func readJSON(_ bytes: [UInt8]) -> JSONValue? {
        guard String(validating: bytes, as: UTF8.self) != nil, let value = try? JSONValue.parse(bytes), !value.containsNonFiniteNumber else { return nil }
        return value
    }

    func boolQuery(_ name: String) throws -> Bool? {
        guard let v = uri.queryParameters[Substring(name)] else { return nil }
        switch v.lowercased() {
        case "true", "1", "": return true
        case "false", "0": return false
        default: throw APIError(.badRequest, "invalid_query", "\(name) must be true or false", field: name)
        }
    }
}

extension Response {
    /// A JSON response with the API's encoder.
    static func json(_ status: HTTPResponse.Status, _ value: some Encodable & DirectJSON) throws -> Response {
        .json(status, body: jsonBody(value))
    }

    static func jsonBody(_ value: some DirectJSON) -> ByteBuffer {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1_024)
        value.writeJSON(into: &bytes)
        return ByteBuffer(bytes: bytes)
    }

    static func json(_ status: HTTPResponse.Status, body: ByteBuffer) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let data = try JSONEncoder.api.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}

extension JSONValue {
    /// Canonical JSON (sorted keys), so semantically equal bodies hash alike.
    var canonicalJSON: String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? e.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
