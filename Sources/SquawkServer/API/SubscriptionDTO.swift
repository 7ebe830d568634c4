import Foundation
import SquawkCore

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
    var description: String?
    var metadata: [String: String]
    var status: String
    var disabledReason: String?
    var createdAt: Date
    var updatedAt: Date
    var expiresAt: Date?
    var secret: String?

    init(_ s: Subscription, secret: String? = nil) {
        id = s.id
        target = s.target
        server = s.server
        events = s.events.map(\.rawValue).sorted()
        filters = s.filters.isEmpty ? nil : s.filters
        notifyEndpoint = s.notifyEndpoint
        format = s.format.rawValue
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
        case id, target, server, events, filters, notifyEndpoint, format, description, metadata, status, disabledReason
        case createdAt, updatedAt, expiresAt, secret
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
        try c.encode(description, forKey: .description)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(status, forKey: .status)
        try c.encode(disabledReason, forKey: .disabledReason)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encodeIfPresent(secret, forKey: .secret)
    }
}

/// `GET /v1/subscriptions` answer.
struct SubscriptionListDTO: Encodable, Sendable {
    var data: [SubscriptionDTO]
    var nextCursor: String?

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
}
