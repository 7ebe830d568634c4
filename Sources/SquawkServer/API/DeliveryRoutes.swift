import Foundation
import HTTPTypes
import Hummingbird
import SquawkCore
import SquawkStore

/// The delivery log and its actions: what was sent where, when, with what answer — and
/// resending. Owner-scoped like the subscriptions (another key's deliveries are 404).
struct DeliveryRoutes: Sendable {
    let deps: APIDependencies

    static let maxPageSize = 200

    func register(on routes: RouteTable) {
        routes.on(.get, "subscriptions/:id/deliveries", query: ["status", "limit", "cursor"], responses: [200, 404], list)
        routes.on(.post, "subscriptions/:id/test", responses: [202, 404, 409], test)
        routes.on(.post, "subscriptions/:id/recover", query: ["since"], responses: [202, 404], recover)
        routes.on(.get, "deliveries/:id", responses: [200, 404], get)
        routes.on(.get, "deliveries/:id/payload", responses: [200, 404], payload)
        routes.on(.post, "deliveries/:id/redeliver", responses: [202, 404], redeliver)
    }

    func store() throws -> any DeliveryStore {
        guard let d = deps.deliveries else { throw APIError(.serviceUnavailable, "deliveries_unavailable", "this server keeps no delivery log") }
        return d
    }

    /// The subscription named in the path, if the caller owns it.
    func subscription(_ context: APIContext) async throws -> Subscription {
        let owner = try context.requireOwner()
        let id = try context.parameters.require("id")
        guard let s = try await deps.subscriptions.get(id: id, owner: owner) else { throw APIError.notFound("subscription \(id)") }
        return s
    }

    // MARK: - Handlers

    @Sendable func list(_ request: Request, context: APIContext) async throws -> Response {
        let sub = try await subscription(context)
        let q = request.uri.queryParameters
        var limit = 50
        if let l = q["limit"] {
            guard let n = Int(l), (1...Self.maxPageSize).contains(n) else {
                throw APIError(.badRequest, "invalid_query", "limit must be an integer from 1 to \(Self.maxPageSize)", field: "limit")
            }
            limit = n
        }
        var status: DeliveryStatus?
        if let s = q["status"] {
            guard let v = DeliveryStatus(rawValue: String(s)) else {
                throw APIError(.badRequest, "invalid_query", "status must be one of \(DeliveryStatus.allCases.map(\.rawValue).joined(separator: ", "))", field: "status")
            }
            status = v
        }
        let cursor = q["cursor"].map(String.init)
        if let cursor, Int64(cursor) == nil {
            throw APIError(.badRequest, "invalid_query", "cursor must be the nextCursor of a previous page", field: "cursor")
        }
        let page = try await store().deliveries(subscriptionId: sub.id, owner: sub.ownerKeyId, status: status, after: cursor, limit: limit)
        return try .json(.ok, DeliveryListDTO(data: page.items.map { DeliveryDTO($0) }, nextCursor: page.nextCursor))
    }

    @Sendable func get(_ request: Request, context: APIContext) async throws -> Response {
        let owner = try context.requireOwner()
        let id = try context.parameters.require("id")
        let store = try store()
        guard let d = try await store.delivery(id: id, owner: owner) else { throw APIError.notFound("delivery \(id)") }
        return try .json(.ok, DeliveryDTO(d, attempts: try await store.attempts(deliveryId: d.id)))
    }

    /// The body this delivery is sent with, rendered from its stored event in the subscription's
    /// format (a chat message may have carried it together with other events).
    @Sendable func payload(_ request: Request, context: APIContext) async throws -> Response {
        let owner = try context.requireOwner()
        let id = try context.parameters.require("id")
        guard let store = deps.deliveries as? any DeliveryActivityStore, let deliveries = deps.deliveries else {
            throw APIError(.serviceUnavailable, "deliveries_unavailable", "this server keeps no delivery log")
        }
        guard let d = try await deliveries.delivery(id: id, owner: owner), let event = try await store.event(deliveryId: id, owner: owner),
              let sub = try await deps.subscriptions.get(id: d.subscriptionId, owner: owner) else { throw APIError.notFound("delivery \(id)") }
        let body = PayloadRenderer(airports: deps.rules.airports).render(event, format: sub.format, subscriptionId: sub.id, sequence: d.sequence,
                                                                          mentions: sub.delivery.mentions)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    @Sendable func redeliver(_ request: Request, context: APIContext) async throws -> Response {
        let owner = try context.requireOwner()
        let id = try context.parameters.require("id")
        let store = try store()
        guard try await store.redeliver(id: id, owner: owner, now: deps.now()),
              let d = try await store.delivery(id: id, owner: owner) else { throw APIError.notFound("delivery \(id)") }
        deps.onEnqueued()
        return try .json(.accepted, DeliveryDTO(d))
    }

    /// Sends a `subscription.test` event to this subscription now (whatever events it asked for).
    @Sendable func test(_ request: Request, context: APIContext) async throws -> Response {
        let sub = try await subscription(context)
        guard sub.status == .active else {
            throw APIError(.conflict, "subscription_disabled", "the subscription is disabled (\(sub.disabledReason ?? "no reason")); enable it first")
        }
        let now = deps.now()
        let event = FlightEvent(id: deps.makeID("evt", now), type: .subscriptionTest, at: now,
                                data: ["message": .string("Test event from Squawk for subscription \(sub.id)")])
        _ = try await store().enqueue([(event: event, subscriptionIds: [sub.id])], now: now)
        deps.onEnqueued()
        return try .json(.accepted, TestEventDTO(eventId: event.id, subscriptionId: sub.id))
    }

    /// Requeues the failed deliveries created since `since` (RFC 3339 or unix seconds).
    @Sendable func recover(_ request: Request, context: APIContext) async throws -> Response {
        let sub = try await subscription(context)
        guard let raw = request.uri.queryParameters["since"], let since = Self.parseTime(String(raw)) else {
            throw APIError(.badRequest, "invalid_query", "since is required: an RFC 3339 time or unix seconds", field: "since")
        }
        let now = deps.now()
        let count = try await store().recover(subscriptionId: sub.id, owner: sub.ownerKeyId, since: since, now: now)
        if count > 0 { deps.onEnqueued() }
        return try .json(.accepted, RecoverDTO(subscriptionId: sub.id, requeued: count))
    }

    static func parseTime(_ s: String) -> Date? {
        if let seconds = Double(s), seconds.isFinite, seconds >= 0 { return Date(timeIntervalSince1970: seconds) }
        let f = ISO8601DateFormatter()
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)
    }
}

// MARK: - DTOs

/// A delivery as the API shows it.
struct DeliveryDTO: Encodable, Sendable {
    var id: String
    var eventId: String
    var subscriptionId: String
    var sequence: Int64
    var status: String
    var attempts: Int
    var nextAttemptAt: Date?
    var lastStatusCode: Int?
    var lastError: String?
    var createdAt: Date
    var completedAt: Date?
    var attemptLog: [AttemptDTO]?

    init(_ d: Delivery, attempts log: [DeliveryAttempt]? = nil) {
        id = d.id
        eventId = d.eventId
        subscriptionId = d.subscriptionId
        sequence = d.sequence
        status = d.status.rawValue
        attempts = d.attempts
        nextAttemptAt = d.status == .pending || d.status == .inflight ? d.nextAttemptAt : nil
        lastStatusCode = d.lastStatusCode
        lastError = d.lastError
        createdAt = d.createdAt
        completedAt = d.completedAt
        attemptLog = log.map { $0.map(AttemptDTO.init) }
    }

    enum CodingKeys: String, CodingKey {
        case id, eventId, subscriptionId, sequence, status, attempts, nextAttemptAt, lastStatusCode, lastError, createdAt, completedAt
        case attemptLog = "attemptLog"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(eventId, forKey: .eventId)
        try c.encode(subscriptionId, forKey: .subscriptionId)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(status, forKey: .status)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(nextAttemptAt, forKey: .nextAttemptAt)
        try c.encode(lastStatusCode, forKey: .lastStatusCode)
        try c.encode(lastError, forKey: .lastError)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(completedAt, forKey: .completedAt)
        try c.encodeIfPresent(attemptLog, forKey: .attemptLog)
    }
}

/// One attempt of the delivery log.
struct AttemptDTO: Encodable, Sendable {
    var attempt: Int
    var at: Date
    var statusCode: Int?
    var latencyMs: Int
    var response: String?
    var error: String?

    init(_ a: DeliveryAttempt) {
        attempt = a.attempt
        at = a.at
        statusCode = a.statusCode
        latencyMs = a.latencyMs
        response = a.responseSnippet
        error = a.error
    }

    enum CodingKeys: String, CodingKey { case attempt, at, statusCode, latencyMs, response, error }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(attempt, forKey: .attempt)
        try c.encode(at, forKey: .at)
        try c.encode(statusCode, forKey: .statusCode)
        try c.encode(latencyMs, forKey: .latencyMs)
        try c.encode(response, forKey: .response)
        try c.encode(error, forKey: .error)
    }
}

struct DeliveryListDTO: Encodable, Sendable {
    var data: [DeliveryDTO]
    var nextCursor: String?
    enum CodingKeys: String, CodingKey { case data, nextCursor }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(data, forKey: .data)
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}

struct TestEventDTO: Encodable, Sendable {
    var eventId: String
    var subscriptionId: String
}

struct RecoverDTO: Encodable, Sendable {
    var subscriptionId: String
    var requeued: Int
}
