import Foundation
import SquawkCore
import SquawkStore

/// A subscription as the API shows it. `secret` appears only in the answer to a create or a
/// rotation: it is never returned again.
struct SubscriptionDTO: Encodable, Sendable {
    var id: String
    var target: SubscriptionTarget
    var server: String?
    var events: [String]
    var filters: SubscriptionFilters?
    var notifyEndpoint: String
    var format: String
    /// Its own pace and freshness (null: the format's defaults).
    var maxPerMinute: Int?
    var maxAge: Int?
    var mentions: Mentions?
    var card: String?
    var description: String?
    var metadata: [String: String]
    var status: String
    var disabledReason: String?
    var createdAt: Date
    var updatedAt: Date
    var expiresAt: Date?
    var secret: String?
    /// The live secrets' dates (``SecretInfoDTO``), on `GET` of one subscription.
    var secrets: [SecretInfoDTO]?

    init(_ s: Subscription, secret: String? = nil) {
        id = s.id
        target = s.target
        server = s.server
        events = s.events.map(\.rawValue).sorted()
        filters = s.filters.isEmpty ? nil : s.filters
        notifyEndpoint = s.notifyEndpoint
        format = s.format.rawValue
        maxPerMinute = s.delivery.maxPerMinute
        maxAge = s.delivery.maxAge
        mentions = s.delivery.mentions
        card = s.delivery.card?.rawValue
        description = s.description
        metadata = s.metadata
        status = s.status.rawValue
        disabledReason = s.disabledReason
        createdAt = s.createdAt
        updatedAt = s.updatedAt
        expiresAt = s.expiresAt
        self.secret = secret
    }

    enum CodingKeys: String, CodingKey {
        case id, target, server, events, filters, notifyEndpoint, format, maxPerMinute, maxAge, mentions, card, description, metadata, status, disabledReason
        case createdAt, updatedAt, expiresAt, secret, secrets
    }

    /// Nulls are written explicitly (a client sees every field), except `secret`.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(target, forKey: .target)
        try c.encode(server, forKey: .server)
        try c.encode(events, forKey: .events)
        try c.encode(filters, forKey: .filters)
        try c.encode(notifyEndpoint, forKey: .notifyEndpoint)
        try c.encode(format, forKey: .format)
        try c.encode(maxPerMinute, forKey: .maxPerMinute)
        try c.encode(maxAge, forKey: .maxAge)
        try c.encode(mentions, forKey: .mentions)
        try c.encode(card, forKey: .card)
        try c.encode(description, forKey: .description)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(status, forKey: .status)
        try c.encode(disabledReason, forKey: .disabledReason)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encodeIfPresent(secret, forKey: .secret)
        try c.encodeIfPresent(secrets, forKey: .secrets)
    }
}

/// An answer written by the core's direct JSON writer rather than `JSONEncoder`: the same bytes
/// (keys sorted, ISO 8601 dates, explicit nulls), at a fraction of the cost on the hot read routes.
protocol DirectJSON {
    var json: JSONValue { get }
}

extension SubscriptionDTO: DirectJSON {
    var json: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func date(_ value: Date?) -> JSONValue { value.map { .string(ISO8601.format($0)) } ?? .null }
        var o: [String: JSONValue] = [
            "id": .string(id), "target": .object(["kind": .string(target.kind.rawValue), "id": .string(target.id)]),
            "server": text(server), "events": .array(events.map(JSONValue.string)), "notifyEndpoint": .string(notifyEndpoint),
            "format": .string(format), "description": text(description), "metadata": .object(metadata.mapValues(JSONValue.string)),
            "status": .string(status), "disabledReason": text(disabledReason), "createdAt": date(createdAt), "updatedAt": date(updatedAt),
            "expiresAt": date(expiresAt), "filters": .null,
            "maxPerMinute": maxPerMinute.map { .number(Double($0)) } ?? .null, "maxAge": maxAge.map { .number(Double($0)) } ?? .null,
            "mentions": .null, "card": text(card),
        ]
        if let mentions, let bytes = try? JSONEncoder.api.encode(mentions), let value = try? JSONValue.parse(Array(bytes)) { o["mentions"] = value }
        // Filters are rare and nested: through their Codable form.
        if let filters, let bytes = try? JSONEncoder.api.encode(filters), let value = try? JSONValue.parse(Array(bytes)) { o["filters"] = value }
        if let secret { o["secret"] = .string(secret) }
        if let secrets {
            o["secrets"] = .array(secrets.map { .object(["createdAt": date($0.createdAt), "expiresAt": date($0.expiresAt)]) })
        }
        return .object(o)
    }
}

/// `GET /v1/subscriptions` answer.
struct SubscriptionListDTO: Encodable, Sendable, DirectJSON {
    var data: [SubscriptionDTO]
    var nextCursor: String?

    var json: JSONValue { .object(["data": .array(data.map(\.json)), "nextCursor": nextCursor.map(JSONValue.string) ?? .null]) }

    enum CodingKeys: String, CodingKey { case data, nextCursor }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(data, forKey: .data)
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}

/// `?dryRun=true` answer: the subscription that would be created and, in words, what it watches.
struct DryRunDTO: Encodable, Sendable {
    var valid: Bool
    var subscription: SubscriptionDTO
    var watches: String
}

/// `rotate-secret` answer.
struct SecretDTO: Encodable, Sendable {
    var secret: String
    var previousSecretExpiresAt: Date
    /// Every live secret after the rotation, newest first: when it was made and when it stops
    /// being valid (null: current). Never the secrets themselves.
    var secrets: [SecretInfoDTO]
}

/// A live signing secret, without its value.
struct SecretInfoDTO: Encodable, Sendable, Hashable {
    var createdAt: Date
    var expiresAt: Date?

    init(_ s: SigningSecret) {
        createdAt = s.createdAt
        expiresAt = s.expiresAt
    }

    init(createdAt: Date, expiresAt: Date?) {
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey { case createdAt, expiresAt }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(expiresAt, forKey: .expiresAt)
    }
}
