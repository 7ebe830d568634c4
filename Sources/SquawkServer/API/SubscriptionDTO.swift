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
/// An answer written straight to bytes: the same bytes as `JSONEncoder.api` (sorted keys), without
/// building a tree first (writing is most of a list's cost; DirectJSONTests compares the two).
protocol DirectJSON {
    func writeJSON(into out: inout [UInt8])
}

extension DirectJSON {
    var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        writeJSON(into: &out)
        return out
    }
}

extension SubscriptionDTO: DirectJSON {
    /// The members in sorted key order, each written as `JSONEncoder.api` would.
    func writeJSON(into out: inout [UInt8]) {
        var first = true
        func key(_ name: String) {
            out.append(first ? 0x7B : 0x2C)
            first = false
            JSONValue.writeString(name, into: &out)
            out.append(0x3A)
        }
        func text(_ value: String?) {
            if let value { JSONValue.writeString(value, into: &out) } else { out += Self.null }
        }
        func date(_ value: Date?) { text(value.map(ISO8601.format)) }
        func number(_ value: Int?) {
            if let value { JSONValue.writeNumber(Double(value), into: &out) } else { out += Self.null }
        }
        /// Rare and nested: through their Codable form.
        func coded(_ value: (some Encodable)?) {
            if let value, let bytes = try? JSONEncoder.api.encode(value), let parsed = try? JSONValue.parse(Array(bytes)) {
                parsed.write(into: &out)
            } else { out += Self.null }
        }
        key("card"); text(card)
        key("createdAt"); date(createdAt)
        key("description"); text(description)
        key("disabledReason"); text(disabledReason)
        key("events"); JSONValue.writeArray(events, into: &out) { JSONValue.writeString($0, into: &$1) }
        key("expiresAt"); date(expiresAt)
        key("filters"); coded(filters)
        key("format"); text(format)
        key("id"); text(id)
        key("maxAge"); number(maxAge)
        key("maxPerMinute"); number(maxPerMinute)
        key("mentions"); coded(mentions)
        key("metadata")
        out.append(0x7B)
        for (i, k) in metadata.keys.sorted().enumerated() {
            if i > 0 { out.append(0x2C) }
            JSONValue.writeString(k, into: &out)
            out.append(0x3A)
            JSONValue.writeString(metadata[k]!, into: &out)
        }
        out.append(0x7D)
        key("notifyEndpoint"); text(notifyEndpoint)
        if let secret { key("secret"); text(secret) }
        if let secrets {
            key("secrets")
            JSONValue.writeArray(secrets, into: &out) { s, out in
                out += Self.createdAtKey
                JSONValue.writeString(ISO8601.format(s.createdAt), into: &out)
                out += Self.expiresAtKey
                if let e = s.expiresAt { JSONValue.writeString(ISO8601.format(e), into: &out) } else { out += Self.null }
                out.append(0x7D)
            }
        }
        key("server"); text(server)
        key("status"); text(status)
        key("target")
        out += Self.targetIdKey
        JSONValue.writeString(target.id, into: &out)
        out += Self.targetKindKey
        JSONValue.writeString(target.kind.rawValue, into: &out)
        out.append(0x7D)
        key("updatedAt"); date(updatedAt)
        out.append(0x7D)
    }

    static let null = Array("null".utf8)
    static let createdAtKey = Array(#"{"createdAt":"#.utf8)
    static let expiresAtKey = Array(#","expiresAt":"#.utf8)
    static let targetIdKey = Array(#"{"id":"#.utf8)
    static let targetKindKey = Array(#","kind":"#.utf8)
}

/// `GET /v1/subscriptions` answer.
struct SubscriptionListDTO: Encodable, Sendable, DirectJSON {
    var data: [SubscriptionDTO]
    var nextCursor: String?

    func writeJSON(into out: inout [UInt8]) {
        out += Array(#"{"data":"#.utf8)
        JSONValue.writeArray(data, into: &out) { $0.writeJSON(into: &$1) }
        out += Array(#","nextCursor":"#.utf8)
        if let nextCursor { JSONValue.writeString(nextCursor, into: &out) } else { out += SubscriptionDTO.null }
        out.append(0x7D)
    }

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
