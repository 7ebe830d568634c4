import Foundation

/// How a subscription's deliveries go out, beyond its format: a pace of its own and how long an
/// event stays worth sending. Every key optional; stored as one JSON object.
public struct DeliveryOptions: Sendable, Hashable, Codable {
    /// At most this many requests a minute to the endpoint, on top of the receiver's own budget.
    public var maxPerMinute: Int?
    /// Seconds after the event within which it is worth sending; later it is not sent but
    /// expired. Unset: 15 minutes for `discord` and `slack` (a channel wants recent news), never
    /// for `json` and `flifo`.
    public var maxAge: Int?
    /// Who a chat message pings, and for which events; nil: nobody (the default).
    public var mentions: Mentions?
    /// `live`: each flight gets one Discord message that later events edit (``FlightCard``);
    /// nil: one message per event (or batch).
    public var card: CardMode?

    public init(maxPerMinute: Int? = nil, maxAge: Int? = nil, mentions: Mentions? = nil, card: CardMode? = nil) {
        self.maxPerMinute = maxPerMinute
        self.maxAge = maxAge
        self.mentions = mentions
        self.card = card
    }

    public var isEmpty: Bool { maxPerMinute == nil && maxAge == nil && mentions == nil && card == nil }

    public static let maxPerMinuteRange = 1...600
    public static let maxAgeRange = 10...604_800
    /// The freshness of chat formats when the subscription does not set one.
    public static let chatMaxAge = 900

    /// The age past which an event of a subscription in `format` is no longer sent; nil: never.
    public func effectiveMaxAge(_ format: PayloadFormat) -> Int? {
        maxAge ?? (format.isChat ? Self.chatMaxAge : nil)
    }
}

/// How a chat subscription shows a flight.
public enum CardMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// One message per flight, edited as the flight goes on (Discord).
    case live

    /// The mode as given in a request, checked for `format`.
    public static func parse(_ value: JSONValue, format: PayloadFormat) throws(ValidationError) -> CardMode {
        guard let mode = value.stringValue.flatMap(CardMode.init(rawValue:)) else {
            throw ValidationError("card_invalid", "card must be \"live\" (one Discord message per flight, edited as it goes) or null", field: "card")
        }
        try mode.validate(format: format)
        return mode
    }

    func validate(format: PayloadFormat) throws(ValidationError) {
        guard format == .discord else {
            throw ValidationError("card_not_for_format", "a live card is a Discord message edited in place; it needs format discord", field: "card")
        }
    }
}

/// Opt-in pings: Discord role and user ids, or Slack user and user-group ids, for chosen event
/// types (all of the subscription's when `events` is unset). A message names exactly these in
/// its `allowed_mentions` (Discord) or as `<@U…>` / `<!subteam^S…>` (Slack); never everyone.
public struct Mentions: Sendable, Hashable, Codable {
    public var roles: [String]
    public var users: [String]
    /// Slack user groups (`S…`).
    public var groups: [String]
    public var events: Set<EventType>?

    public init(roles: [String] = [], users: [String] = [], groups: [String] = [], events: Set<EventType>? = nil) {
        self.roles = roles
        self.users = users
        self.groups = groups
        self.events = events
    }

    enum CodingKeys: String, CodingKey { case roles, users, groups, events }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        roles = try c.decodeIfPresent([String].self, forKey: .roles) ?? []
        users = try c.decodeIfPresent([String].self, forKey: .users) ?? []
        groups = try c.decodeIfPresent([String].self, forKey: .groups) ?? []
        events = try c.decodeIfPresent([String].self, forKey: .events).map { Set($0.compactMap(EventType.init(rawValue:))) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(roles, forKey: .roles)
        try c.encode(users, forKey: .users)
        try c.encode(groups, forKey: .groups)
        try c.encodeIfPresent(events.map { $0.map(\.rawValue).sorted() }, forKey: .events)
    }

    /// Whether an event of `type` pings.
    public func applies(to type: EventType) -> Bool { events.map { $0.contains(type) } ?? true }

    /// The mentions as given in a request, checked for `format`: Discord ids are snowflakes,
    /// Slack users `U…`/`W…` and groups `S…`; at most 10 names; events known ones.
    public static func parse(_ value: JSONValue, format: PayloadFormat) throws(ValidationError) -> Mentions {
        guard case .object(let o) = value else { throw ValidationError("mentions_invalid", "mentions must be an object {roles, users, groups, events}", field: "mentions") }
        if let extra = o.keys.sorted().first(where: { !["roles", "users", "groups", "events"].contains($0) }) {
            throw ValidationError("unknown_field", "unknown field \"mentions.\(extra)\"", field: "mentions.\(extra)")
        }
        func list(_ key: String) throws(ValidationError) -> [String] {
            guard let v = o[key] else { return [] }
            guard case .array(let items) = v else { throw ValidationError("mentions_invalid", "mentions.\(key) must be an array of ids", field: "mentions.\(key)") }
            var out: [String] = []
            for item in items {
                guard let s = item.stringValue else { throw ValidationError("mentions_invalid", "mentions.\(key) must hold strings", field: "mentions.\(key)") }
                out.append(s)
            }
            return out
        }
        let m = Mentions(roles: try list("roles"), users: try list("users"), groups: try list("groups"),
                         events: try o["events"].map { v throws(ValidationError) -> Set<EventType> in
                             guard case .array(let items) = v, !items.isEmpty else {
                                 throw ValidationError("mentions_invalid", "mentions.events must be a non-empty array of event types", field: "mentions.events")
                             }
                             var set: Set<EventType> = []
                             for item in items {
                                 guard let t = item.stringValue.flatMap(EventType.init(rawValue:)) else {
                                     throw ValidationError("event_type_invalid", "mentions.events holds an unknown event type", field: "mentions.events")
                                 }
                                 set.insert(t)
                             }
                             return set
                         })
        try m.validate(format: format)
        return m
    }

    func validate(format: PayloadFormat) throws(ValidationError) {
        let all = roles + users + groups
        guard !all.isEmpty else { throw ValidationError("mentions_invalid", "mentions must name at least one role, user or group", field: "mentions") }
        guard all.count <= 10 else { throw ValidationError("mentions_invalid", "mentions may name at most 10 roles, users and groups together", field: "mentions") }
        func snowflake(_ s: String) -> Bool { (17...20).contains(s.count) && s.allSatisfy(\.isASCII) && s.allSatisfy(\.isNumber) }
        func slack(_ s: String, _ prefixes: Set<Character>) -> Bool {
            (9...15).contains(s.count) && prefixes.contains(s.first!) && s.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
        }
        switch format {
        case .discord:
            guard groups.isEmpty else { throw ValidationError("mentions_invalid", "mentions.groups are Slack user groups; Discord pings roles", field: "mentions.groups") }
            guard (roles + users).allSatisfy(snowflake) else {
                throw ValidationError("mentions_invalid", "Discord role and user ids are numbers of 17 to 20 digits", field: "mentions")
            }
        case .slack:
            guard roles.isEmpty else { throw ValidationError("mentions_invalid", "mentions.roles are Discord roles; Slack pings user groups (groups)", field: "mentions.roles") }
            guard users.allSatisfy({ slack($0, ["U", "W"]) }), groups.allSatisfy({ slack($0, ["S"]) }) else {
                throw ValidationError("mentions_invalid", "Slack user ids look like U012AB3CD and user-group ids like S0614TZR7", field: "mentions")
            }
        case .json, .flifo:
            throw ValidationError("mentions_not_for_format", "mentions are for discord and slack subscriptions", field: "mentions")
        }
    }
}
