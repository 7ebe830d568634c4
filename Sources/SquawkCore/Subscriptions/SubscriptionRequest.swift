import Foundation

/// What a client may set on a subscription, parsed from JSON with field-precise errors.
/// The same rules serve `POST /v1/subscriptions`, `PATCH`, dry runs and the FLIFO route.
///
/// Error codes (stable): `body_invalid`, `unknown_field`, `field_required`, `field_type`,
/// `target_kind_invalid`, `target_kind_unsupported`, `target_id_invalid`, `airport_unknown`,
/// `server_subscriptions_disabled`, `event_type_invalid`, `event_type_not_for_target`,
/// `format_invalid`, `server_invalid`, `server_not_for_target`, `description_too_long`, `description_invalid`,
/// `metadata_invalid`, `expires_at_invalid`, `filter_invalid`, `filter_not_for_target`,
/// `filter_not_for_events`, `max_per_minute_invalid`, `max_age_invalid`, `mentions_invalid`,
/// `mentions_not_for_format`, plus every `endpoint_*` code of ``EndpointPolicy``.
public struct SubscriptionRequest: Sendable, Hashable {
    public var target: SubscriptionTarget?
    public var events: Set<EventType>?
    public var notifyEndpoint: String?
    public var format: PayloadFormat?
    /// `.some(nil)` clears it (PATCH with `null`).
    public var server: String??
    public var description: String??
    public var metadata: [String: String]?
    public var expiresAt: Date??
    /// `.some(nil)` clears them (PATCH with `null`); a PATCH replaces the whole object.
    public var filters: SubscriptionFilters??
    /// ``DeliveryOptions/maxPerMinute``; `.some(nil)` clears it.
    public var maxPerMinute: Int??
    /// ``DeliveryOptions/maxAge``; `.some(nil)` clears it.
    public var maxAge: Int??
    /// ``DeliveryOptions/mentions`` as sent (checked against the subscription's final format);
    /// `.some(nil)` clears them.
    public var mentions: JSONValue??
    /// ``DeliveryOptions/card`` as sent (checked against the final format); `.some(nil)` clears it.
    public var card: JSONValue??

    public init() {}

    static let fields: Set<String> = ["target", "events", "filters", "notifyEndpoint", "format", "server", "description", "metadata", "expiresAt",
                                      "maxPerMinute", "maxAge", "mentions", "card"]
    public static let maxDescription = 500
    public static let maxMetadataKeys = 32

    /// Whether `text` holds a C0 control character other than tab, line feed and carriage
    /// return, or DEL. Such text is refused rather than stored altered (a NUL would cut it short).
    static func hasControlCharacters(_ text: String) -> Bool {
        text.utf8.contains { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }
    }

    // MARK: - Parsing

    /// Parses a JSON object. Unknown fields are refused (a typo must not silently drop a setting).
    public static func parse(_ json: JSONValue, airports: AirportIndex = .bundled) throws(ValidationError) -> SubscriptionRequest {
        guard case .object(let o) = json else { throw ValidationError("body_invalid", "the body must be a JSON object") }
        if let unknown = o.keys.sorted().first(where: { !fields.contains($0) }) {
            throw ValidationError("unknown_field", "unknown field \"\(unknown)\"; allowed: \(fields.sorted().joined(separator: ", "))", field: unknown)
        }
        var r = SubscriptionRequest()
        if let t = o["target"] {
            guard case .object(let to) = t else { throw ValidationError("field_type", "target must be an object {\"kind\", \"id\"}", field: "target") }
            guard let kindText = to["kind"]?.stringValue else { throw ValidationError("field_required", "target.kind is required", field: "target.kind") }
            guard let kind = TargetKind(rawValue: kindText) else {
                throw ValidationError("target_kind_invalid", "target.kind \"\(kindText)\" is not one of \(TargetKind.allCases.map(\.rawValue).joined(separator: ", "))", field: "target.kind")
            }
            guard let id = to["id"]?.stringValue else { throw ValidationError("field_required", "target.id is required (a string)", field: "target.id") }
            if let extra = to.keys.first(where: { $0 != "kind" && $0 != "id" }) {
                throw ValidationError("unknown_field", "unknown field \"target.\(extra)\"", field: "target.\(extra)")
            }
            r.target = SubscriptionTarget(kind: kind, id: id)
        }
        if let e = o["events"], e != .null {
            guard case .array(let list) = e else { throw ValidationError("field_type", "events must be an array of event type names", field: "events") }
            var set: Set<EventType> = []
            for (i, item) in list.enumerated() {
                guard let name = item.stringValue, let type = EventType(rawValue: name), type != .subscriptionTest else {
                    throw ValidationError("event_type_invalid", "events[\(i)] is not a known event type", field: "events[\(i)]")
                }
                set.insert(type)
            }
            guard !set.isEmpty else {
                throw ValidationError("events_empty", "events must name at least one event type; omit events (in a PATCH: send null) for all of the target's default events", field: "events")
            }
            r.events = set
        } else if o["events"] == .null {
            r.events = []  // null: back to the target kind's defaults
        }
        if let v = o["filters"] {
            if case .null = v { r.filters = .some(nil) } else { r.filters = .some(try SubscriptionFilters.parse(v, airports: airports)) }
        }
        if let v = o["notifyEndpoint"] {
            guard let s = v.stringValue else { throw ValidationError("field_type", "notifyEndpoint must be a string", field: "notifyEndpoint") }
            r.notifyEndpoint = s
        }
        if let v = o["format"] {
            guard let s = v.stringValue, let f = PayloadFormat(rawValue: s) else {
                throw ValidationError("format_invalid", "format must be one of \(PayloadFormat.allCases.map(\.rawValue).joined(separator: ", "))", field: "format")
            }
            r.format = f
        }
        r.server = try optionalString(o, "server")
        r.description = try optionalString(o, "description")
        if let v = o["metadata"] {
            guard case .object(let m) = v else { throw ValidationError("metadata_invalid", "metadata must be an object of string values", field: "metadata") }
            var out: [String: String] = [:]
            for (k, val) in m {
                guard let s = val.stringValue else { throw ValidationError("metadata_invalid", "metadata.\(k) must be a string", field: "metadata.\(k)") }
                guard !hasControlCharacters(k), !hasControlCharacters(s) else {
                    throw ValidationError("metadata_invalid", "metadata keys and values must not contain control characters (NUL, escape…)", field: "metadata")
                }
                out[k] = s
            }
            r.metadata = out
        }
        r.maxPerMinute = try optionalInt(o, "maxPerMinute", DeliveryOptions.maxPerMinuteRange, code: "max_per_minute_invalid",
                                         what: "requests a minute to the endpoint")
        r.maxAge = try optionalInt(o, "maxAge", DeliveryOptions.maxAgeRange, code: "max_age_invalid",
                                   what: "seconds after the event within which it is still sent")
        if let v = o["mentions"] { r.mentions = v == .null ? .some(nil) : .some(v) }
        if let v = o["card"] { r.card = v == .null ? .some(nil) : .some(v) }
        if let v = o["expiresAt"] {
            if case .null = v { r.expiresAt = .some(nil) } else {
                guard let s = v.stringValue, let d = ISO8601.parse(s) else {
                    throw ValidationError("expires_at_invalid", "expiresAt must be an ISO 8601 date-time such as 2026-12-01T12:00:00Z", field: "expiresAt")
                }
                r.expiresAt = .some(d)
            }
        }
        return r
    }

    private static func optionalInt(_ o: [String: JSONValue], _ key: String, _ range: ClosedRange<Int>, code: String,
                                    what: String) throws(ValidationError) -> Int?? {
        guard let v = o[key] else { return nil }
        if case .null = v { return .some(nil) }
        guard case .number(let n) = v, n == n.rounded(), let i = Int(exactly: n), range.contains(i) else {
            throw ValidationError(code, "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound) (\(what)), or null for the default", field: key)
        }
        return .some(i)
    }

    private static func optionalString(_ o: [String: JSONValue], _ key: String) throws(ValidationError) -> String?? {
        guard let v = o[key] else { return nil }
        if case .null = v { return .some(nil) }
        guard let s = v.stringValue else { throw ValidationError("field_type", "\(key) must be a string or null", field: key) }
        return .some(s)
    }
}

/// The operator's rules for subscriptions (from configuration).
public struct SubscriptionRules: Sendable {
    public var endpointPolicy: EndpointPolicy
    /// `server` targets deliver a whole server's traffic: off unless the operator enables them.
    public var allowServerTargets: Bool
    /// FLS targets need a configured FLS instance (FLS issue); names of the configured instances.
    public var flsInstances: Set<String>
    public var airports: AirportIndex

    public init(endpointPolicy: EndpointPolicy = EndpointPolicy(), allowServerTargets: Bool = false,
                flsInstances: Set<String> = [], airports: AirportIndex = .bundled) {
        self.endpointPolicy = endpointPolicy
        self.allowServerTargets = allowServerTargets
        self.flsInstances = flsInstances
        self.airports = airports
    }

    // MARK: - Create and update

    /// A new subscription from a create request, or the first rule it breaks.
    public func newSubscription(_ r: SubscriptionRequest, id: String, owner: String, now: Date) throws(ValidationError) -> Subscription {
        guard let target = r.target else { throw ValidationError("field_required", "target is required", field: "target") }
        guard let endpoint = r.notifyEndpoint else { throw ValidationError("field_required", "notifyEndpoint is required", field: "notifyEndpoint") }
        var s = Subscription(id: id, ownerKeyId: owner, target: try normalized(target),
                             events: [], notifyEndpoint: endpoint, createdAt: now)
        try apply(r, to: &s, now: now, creating: true)
        return s
    }

    /// Applies a PATCH (target is immutable: delete and create instead).
    public func updated(_ existing: Subscription, with r: SubscriptionRequest, now: Date) throws(ValidationError) -> Subscription {
        if let t = r.target, t != existing.target {
            throw ValidationError("target_immutable", "target cannot change; create a new subscription", field: "target")
        }
        var s = existing
        try apply(r, to: &s, now: now, creating: false)
        s.updatedAt = now
        return s
    }

    private func apply(_ r: SubscriptionRequest, to s: inout Subscription, now: Date, creating: Bool) throws(ValidationError) {
        if let e = r.notifyEndpoint {
            try endpointPolicy.validate(e)
            s.notifyEndpoint = e
        } else if creating {
            try endpointPolicy.validate(s.notifyEndpoint)
        }
        let allowed = s.target.kind.allowedEvents
        if let events = r.events, !events.isEmpty {
            if let bad = events.sorted(by: { $0.rawValue < $1.rawValue }).first(where: { !allowed.contains($0) }) {
                throw ValidationError("event_type_not_for_target", "\(bad.rawValue) is not delivered for \(s.target.kind.rawValue) targets; allowed: \(allowed.map(\.rawValue).sorted().joined(separator: ", "))", field: "events")
            }
            s.events = events
        } else if creating || r.events != nil {
            s.events = s.target.kind.defaultEvents
        }
        if let f = r.format {
            if f == .flifo, s.target.kind == .flsFlight || s.target.kind == .flsClub {
                throw ValidationError("format_not_for_target", "the flifo format describes airline flights; FLS targets take json, discord or slack", field: "format")
            }
            s.format = f
        }
        if let server = r.server {
            if let name = server {
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty, trimmed.count <= 64 else { throw ValidationError("server_invalid", "server must be a server name or id of at most 64 characters", field: "server") }
                s.server = trimmed
            } else { s.server = nil }
        }
        if let server = s.server {
            switch s.target.kind {
            case .flsFlight, .flsClub:
                throw ValidationError("server_not_for_target", "server restricts Live API targets; FLS targets name their instance in target.id", field: "server")
            case .server where server.lowercased() != s.target.id.lowercased():
                throw ValidationError("server_not_for_target", "a server target already names its server (\(s.target.id)); omit server", field: "server")
            default: break
            }
        }
        if let f = r.filters { s.filters = f ?? SubscriptionFilters() }
        if let m = r.maxPerMinute { s.delivery.maxPerMinute = m }
        if let a = r.maxAge { s.delivery.maxAge = a }
        if let m = r.mentions {
            s.delivery.mentions = try m.map { v throws(ValidationError) in try Mentions.parse(v, format: s.format) }
        } else if let kept = s.delivery.mentions {
            try kept.validate(format: s.format)  // a new format must still suit them
        }
        if let c = r.card {
            s.delivery.card = try c.map { v throws(ValidationError) in try CardMode.parse(v, format: s.format) }
        } else if let kept = s.delivery.card {
            try kept.validate(format: s.format)
        }
        try s.filters.validate(for: s.target.kind, events: s.events)
        if let d = r.description {
            if let text = d, SubscriptionRequest.hasControlCharacters(text) {
                throw ValidationError("description_invalid", "description must not contain control characters (NUL, escape…); tabs and line breaks are fine", field: "description")
            }
            if let text = d, text.count > SubscriptionRequest.maxDescription {
                throw ValidationError("description_too_long", "description has \(text.count) characters; the limit is \(SubscriptionRequest.maxDescription)", field: "description")
            }
            s.description = d
        }
        if let m = r.metadata {
            guard m.count <= SubscriptionRequest.maxMetadataKeys, m.allSatisfy({ $0.key.count <= 64 && !$0.key.isEmpty && $0.value.count <= 512 }) else {
                throw ValidationError("metadata_invalid", "metadata takes at most \(SubscriptionRequest.maxMetadataKeys) keys of 1–64 characters with values of at most 512", field: "metadata")
            }
            s.metadata = m
        }
        if let e = r.expiresAt {
            if let date = e, date <= now { throw ValidationError("expires_at_invalid", "expiresAt must be in the future", field: "expiresAt") }
            s.expiresAt = e
        }
    }

    // MARK: - Targets

    /// Checks and normalises a target id (upper-case ICAO and callsigns, lower-case UUIDs).
    public func normalized(_ t: SubscriptionTarget) throws(ValidationError) -> SubscriptionTarget {
        let id = t.id.trimmingCharacters(in: .whitespaces)
        func bad(_ why: String) -> ValidationError { ValidationError("target_id_invalid", why, field: "target.id") }
        guard !id.isEmpty, id.count <= 64 else { throw bad("target.id must be 1–64 characters") }
        switch t.kind {
        case .flight:
            guard Self.isUUID(id) else { throw bad("a flight target takes a Live API flight id (a UUID)") }
            return .init(kind: .flight, id: id.lowercased())
        case .callsign:
            let c = id.uppercased()
            let core = c.hasSuffix("*") ? c.dropLast() : (c.hasPrefix("*") ? c.dropFirst() : Substring(c))
            guard !core.isEmpty, core.count <= 24,
                  core.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "- ".unicodeScalars.contains($0) })
            else { throw bad("a callsign is letters, digits, '-' or spaces, optionally with one leading or trailing '*' (e.g. DAL40, DAL*, *VA)") }
            return .init(kind: .callsign, id: c)
        case .user:
            if Self.isUUID(id) { return .init(kind: .user, id: id.lowercased()) }
            guard id.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0) })
            else { throw bad("a user target takes a Live API user id (UUID) or a forum username") }
            return .init(kind: .user, id: id)
        case .airport:
            let icao = id.uppercased()
            guard icao.count == 4, icao.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) }) else {
                throw bad("an airport target takes a 4-character ICAO code such as KLAX")
            }
            guard airports[icao] != nil else { throw ValidationError("airport_unknown", "no airport \(icao) in Squawk's airport data", field: "target.id") }
            return .init(kind: .airport, id: icao)
        case .server:
            guard allowServerTargets else {
                throw ValidationError("server_subscriptions_disabled", "whole-server subscriptions are disabled by the operator (subscriptions.allowServerTargets)", field: "target.kind")
            }
            return .init(kind: .server, id: id)
        case .flsFlight, .flsClub:
            guard !flsInstances.isEmpty else {
                throw ValidationError("target_kind_unsupported", "FLS targets need an FLS instance in the configuration; none is configured", field: "target.kind")
            }
            if t.kind == .flsFlight {
                guard Self.isUUID(id) else { throw bad("an fls_flight target takes an FLS flight id (a UUID)") }
                return .init(kind: .flsFlight, id: id.lowercased())
            }
            let name = id.lowercased()
            guard flsInstances.contains(name) else {
                throw ValidationError("fls_instance_unknown", "no FLS instance named '\(id)'; configured: \(flsInstances.sorted().joined(separator: ", "))", field: "target.id")
            }
            return .init(kind: .flsClub, id: name)
        }
    }

    /// Whether `s` is a UUID in its 36-character text form (any case).
    public static func isUUID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 36 else { return false }
        for (i, c) in u.enumerated() {
            if [8, 13, 18, 23].contains(i) { if c != UInt8(ascii: "-") { return false } } else if !Self.isHex(c) { return false }
        }
        return true
    }

    static func isHex(_ c: UInt8) -> Bool {
        (48...57).contains(c) || (65...70).contains(c) || (97...102).contains(c)
    }
}

/// ISO 8601 date-times as the API writes and reads them (`2026-11-23T19:37:00Z`, fractional
/// seconds and offsets accepted).
public enum ISO8601 {
    public static func parse(_ s: String) -> Date? {
        if let d = try? Date(s, strategy: .iso8601) { return d }
        return try? Date(s, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `2026-01-01T00:00:00Z` (UTC, whole seconds, fractions dropped): computed by hand for years
    /// 1583–9999 with ``CivilDate`` (every API answer and payload formats dates; Foundation's format style was a large
    /// part of writing one), through Foundation otherwise (it counts earlier dates in the Julian
    /// calendar). Tests compare the two on many dates.
    public static func format(_ d: Date) -> String {
        let t = d.timeIntervalSince1970
        guard t.isFinite, t >= -12_212_553_600, t < 253_402_300_800 else { return foundationFormat(d) }
        let seconds = Int(t.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let second = seconds - days * 86_400
        let (year, month, day) = CivilDate.civilFromDays(days)
        var out: [UInt8] = []
        out.reserveCapacity(20)
        func digits(_ v: Int, _ count: Int, then separator: UInt8) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                out.append(UInt8(48 + v / divisor % 10))
                divisor /= 10
            }
            out.append(separator)
        }
        digits(year, 4, then: 0x2D); digits(month, 2, then: 0x2D); digits(day, 2, then: 0x54)
        digits(second / 3_600, 2, then: 0x3A); digits(second % 3_600 / 60, 2, then: 0x3A); digits(second % 60, 2, then: 0x5A)
        return String(decoding: out, as: UTF8.self)
    }

    /// Foundation's own formatting, the reference for ``format(_:)``.
    public static func foundationFormat(_ d: Date) -> String {
        d.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }
}
