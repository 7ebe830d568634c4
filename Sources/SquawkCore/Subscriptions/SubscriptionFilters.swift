import Foundation

/// Content filters of a subscription: every key is optional, and every key given must hold.
///
/// A filter constrains the events it is about; events it says nothing about pass untouched
/// (a `landing` bound does not hold back takeoffs). An event that *is* about what a filter
/// tests but does not know the value (a flight without a plan, a landing without a touchdown
/// rate) does not pass it.
///
/// | key | constrains | holds when |
/// | --- | --- | --- |
/// | `frequencyTypes` | `atc.opened`, `atc.closed`, `atis.changed` | the frequency's kind (``FrequencyKind``; ATIS for `atis.changed`) is listed |
/// | `virtualOrganization` | `flight.*` | the pilot's virtual organization equals it, ignoring case; `IFAE*` is a prefix |
/// | `direction` (airport targets) | takeoffs, landings, approaches, diversions, plans, completions | `departures`: a takeoff from the airport, a plan out of it, a flight completed from it; `arrivals`: a landing at it, approaching it, diverted to it, a plan into it, a flight completed at it; `both` |
/// | `origin`, `destination` | `flight.*` | the flight plan's origin (destination) is one of the ICAO codes |
/// | `aircraft` | `flight.*` | one term is the aircraft or livery id, or appears (ignoring case) in the aircraft or livery name |
/// | `landing` | `flight.landing`, `flight.completed` | the touchdown rate (ft/min, negative) and ground speed (kt) lie within the bounds given |
public struct SubscriptionFilters: Sendable, Hashable, Codable {
    /// Which movements of an airport target count.
    public enum Direction: String, Sendable, Hashable, Codable, CaseIterable {
        case departures, arrivals, both
    }

    /// Bounds on a landing; each optional, inclusive.
    public struct Landing: Sendable, Hashable, Codable {
        public var minVerticalSpeed: Double?
        public var maxVerticalSpeed: Double?
        public var minGroundSpeed: Double?
        public var maxGroundSpeed: Double?

        public init(minVerticalSpeed: Double? = nil, maxVerticalSpeed: Double? = nil,
                    minGroundSpeed: Double? = nil, maxGroundSpeed: Double? = nil) {
            self.minVerticalSpeed = minVerticalSpeed
            self.maxVerticalSpeed = maxVerticalSpeed
            self.minGroundSpeed = minGroundSpeed
            self.maxGroundSpeed = maxGroundSpeed
        }

        static let keys = ["maxGroundSpeed", "maxVerticalSpeed", "minGroundSpeed", "minVerticalSpeed"]
    }

    public var frequencyTypes: [FrequencyKind]?
    public var virtualOrganization: String?
    public var direction: Direction?
    public var origin: [String]?
    public var destination: [String]?
    public var aircraft: [String]?
    public var landing: Landing?

    public init(frequencyTypes: [FrequencyKind]? = nil, virtualOrganization: String? = nil, direction: Direction? = nil,
                origin: [String]? = nil, destination: [String]? = nil, aircraft: [String]? = nil, landing: Landing? = nil) {
        self.frequencyTypes = frequencyTypes
        self.virtualOrganization = virtualOrganization
        self.direction = direction
        self.origin = origin
        self.destination = destination
        self.aircraft = aircraft
        self.landing = landing
    }

    /// No key given: everything passes.
    public var isEmpty: Bool { self == SubscriptionFilters() }

    static let keys = ["aircraft", "destination", "direction", "frequencyTypes", "landing", "origin", "virtualOrganization"]
    static let maxListLength = 50

    // MARK: - Which events a filter is about

    /// Events whose frequency kind `frequencyTypes` tests.
    public static let frequencyEvents: Set<EventType> = [.atcOpened, .atcClosed, .atisChanged]
    /// Events whose airport relation `direction` tests.
    public static let directionEvents: Set<EventType> = [.takeoff, .landing, .approaching, .diverted, .planFiled, .planChanged,
                                                         .flightCompleted]
    /// Events whose touchdown `landing` tests (a disconnected `flight.completed` has no landing: it does not pass).
    public static let landingEvents: Set<EventType> = [.landing, .flightCompleted]

    /// Whether the flight filters (`virtualOrganization`, `origin`, `destination`, `aircraft`)
    /// are about events of this type.
    public static func isFlightEvent(_ t: EventType) -> Bool { t.rawValue.hasPrefix("flight.") }

    // MARK: - Parsing

    /// Parses the `filters` object of a request, with field-precise errors (codes
    /// `field_type`, `unknown_field`, `filter_invalid`, `airport_unknown`).
    public static func parse(_ json: JSONValue, airports: AirportIndex) throws(ValidationError) -> SubscriptionFilters {
        guard case .object(let o) = json else {
            throw ValidationError("field_type", "filters must be an object, e.g. {\"direction\": \"departures\"}", field: "filters")
        }
        if let unknown = o.keys.sorted().first(where: { !keys.contains($0) }) {
            throw ValidationError("unknown_field", "unknown field \"filters.\(unknown)\"; allowed: \(keys.joined(separator: ", "))", field: "filters.\(unknown)")
        }
        var f = SubscriptionFilters()
        if let v = o["frequencyTypes"] {
            let names = try list(v, "frequencyTypes", example: "[\"tower\", \"approach\"]")
            var kinds: [FrequencyKind] = []
            for (i, name) in names.enumerated() {
                guard let k = FrequencyKind(rawValue: name.lowercased()) else {
                    throw ValidationError("filter_invalid", "filters.frequencyTypes[\(i)] \"\(name)\" is not one of \(FrequencyKind.allCases.map(\.rawValue).joined(separator: ", "))", field: "filters.frequencyTypes[\(i)]")
                }
                if !kinds.contains(k) { kinds.append(k) }
            }
            f.frequencyTypes = kinds.sorted { $0.rawValue < $1.rawValue }
        }
        if let v = o["virtualOrganization"] {
            guard let s = v.stringValue?.trimmingCharacters(in: .whitespaces) else {
                throw ValidationError("field_type", "filters.virtualOrganization must be a string", field: "filters.virtualOrganization")
            }
            let core = s.hasSuffix("*") ? String(s.dropLast()) : s
            guard !core.isEmpty, s.count <= 64, !core.contains("*"), !s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw ValidationError("filter_invalid", "filters.virtualOrganization must be 1–64 characters, optionally ending in '*' for a prefix (e.g. IFAE or IFAE*)", field: "filters.virtualOrganization")
            }
            f.virtualOrganization = s
        }
        if let v = o["direction"] {
            guard let s = v.stringValue, let d = Direction(rawValue: s) else {
                throw ValidationError("filter_invalid", "filters.direction must be one of departures, arrivals, both", field: "filters.direction")
            }
            f.direction = d
        }
        f.origin = try o["origin"].map { v throws(ValidationError) in try icaoList(v, "origin", airports: airports) }
        f.destination = try o["destination"].map { v throws(ValidationError) in try icaoList(v, "destination", airports: airports) }
        if let v = o["aircraft"] {
            let terms = try list(v, "aircraft", example: "[\"Airbus A350-900\", \"<aircraft or livery id>\"]")
            var out: [String] = []
            for (i, t) in terms.enumerated() {
                let s = t.trimmingCharacters(in: .whitespaces)
                guard !s.isEmpty, s.count <= 64, !s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    throw ValidationError("filter_invalid", "filters.aircraft[\(i)] must be 1–64 characters: an aircraft or livery id, or part of its name", field: "filters.aircraft[\(i)]")
                }
                if !out.contains(where: { $0.caseInsensitiveCompare(s) == .orderedSame }) { out.append(s) }
            }
            f.aircraft = out
        }
        if let v = o["landing"] { f.landing = try landing(v) }
        return f
    }

    private static func list(_ v: JSONValue, _ key: String, example: String) throws(ValidationError) -> [String] {
        guard case .array(let items) = v, !items.isEmpty, items.count <= maxListLength else {
            throw ValidationError("filter_invalid", "filters.\(key) must be a list of 1–\(maxListLength) strings, e.g. \(example)", field: "filters.\(key)")
        }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            guard let s = item.stringValue else {
                throw ValidationError("field_type", "filters.\(key)[\(i)] must be a string", field: "filters.\(key)[\(i)]")
            }
            out.append(s)
        }
        return out
    }

    private static func icaoList(_ v: JSONValue, _ key: String, airports: AirportIndex) throws(ValidationError) -> [String] {
        var out: [String] = []
        for (i, code) in try list(v, key, example: "[\"EGLL\", \"KLAX\"]").enumerated() {
            let icao = code.trimmingCharacters(in: .whitespaces).uppercased()
            guard icao.count == 4, icao.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) }) else {
                throw ValidationError("filter_invalid", "filters.\(key)[\(i)] must be a 4-character ICAO code such as EGLL", field: "filters.\(key)[\(i)]")
            }
            guard airports[icao] != nil else {
                throw ValidationError("airport_unknown", "filters.\(key)[\(i)]: no airport \(icao) in Squawk's airport data", field: "filters.\(key)[\(i)]")
            }
            if !out.contains(icao) { out.append(icao) }
        }
        return out
    }

    private static func landing(_ v: JSONValue) throws(ValidationError) -> Landing {
        guard case .object(let o) = v, !o.isEmpty else {
            throw ValidationError("filter_invalid", "filters.landing must be an object with one or more of \(Landing.keys.joined(separator: ", ")), e.g. {\"maxVerticalSpeed\": -600}", field: "filters.landing")
        }
        if let unknown = o.keys.sorted().first(where: { !Landing.keys.contains($0) }) {
            throw ValidationError("unknown_field", "unknown field \"filters.landing.\(unknown)\"; allowed: \(Landing.keys.joined(separator: ", "))", field: "filters.landing.\(unknown)")
        }
        func number(_ key: String, _ range: ClosedRange<Double>) throws(ValidationError) -> Double? {
            guard let v = o[key] else { return nil }
            guard let n = v.doubleValue, n.isFinite, range.contains(n) else {
                throw ValidationError("filter_invalid", "filters.landing.\(key) must be a number from \(Int(range.lowerBound)) to \(Int(range.upperBound))", field: "filters.landing.\(key)")
            }
            return n
        }
        let l = Landing(minVerticalSpeed: try number("minVerticalSpeed", -10_000...10_000),
                        maxVerticalSpeed: try number("maxVerticalSpeed", -10_000...10_000),
                        minGroundSpeed: try number("minGroundSpeed", 0...1_000),
                        maxGroundSpeed: try number("maxGroundSpeed", 0...1_000))
        if let lo = l.minVerticalSpeed, let hi = l.maxVerticalSpeed, lo > hi {
            throw ValidationError("filter_invalid", "filters.landing.minVerticalSpeed (\(lo)) is above maxVerticalSpeed (\(hi)); touchdown rates are negative: a hard landing is below -600", field: "filters.landing")
        }
        if let lo = l.minGroundSpeed, let hi = l.maxGroundSpeed, lo > hi {
            throw ValidationError("filter_invalid", "filters.landing.minGroundSpeed (\(lo)) is above maxGroundSpeed (\(hi))", field: "filters.landing")
        }
        return l
    }

    // MARK: - Fit with the subscription

    /// Checks that each filter given can apply to the subscription: `direction` only on airport
    /// targets, no filters on FLS targets, and each filter about at least one of its events.
    public func validate(for kind: TargetKind, events: Set<EventType>) throws(ValidationError) {
        guard !isEmpty else { return }
        if kind == .flsFlight || kind == .flsClub {
            throw ValidationError("filter_not_for_target", "FLS targets take no filters", field: "filters")
        }
        if direction != nil, kind != .airport {
            throw ValidationError("filter_not_for_target", "filters.direction applies to airport targets only", field: "filters.direction")
        }
        func need(_ key: String, _ about: Set<EventType>) throws(ValidationError) {
            guard events.isDisjoint(with: about) else { return }
            throw ValidationError("filter_not_for_events", "filters.\(key) filters \(about.map(\.rawValue).sorted().joined(separator: ", ")), and this subscription receives none of them", field: "filters.\(key)")
        }
        let flightEvents = Set(events.filter(Self.isFlightEvent))
        if frequencyTypes != nil { try need("frequencyTypes", Self.frequencyEvents) }
        if direction != nil { try need("direction", Self.directionEvents) }
        if landing != nil { try need("landing", Self.landingEvents) }
        for (key, given) in [("virtualOrganization", virtualOrganization != nil), ("origin", origin != nil),
                             ("destination", destination != nil), ("aircraft", aircraft != nil)] where given && flightEvents.isEmpty {
            throw ValidationError("filter_not_for_events", "filters.\(key) filters flight events, and this subscription receives none", field: "filters.\(key)")
        }
    }

    // MARK: - Words

    /// "tower or approach frequencies, departures only, landings at or below -600 fpm", for dry runs.
    public var summary: String {
        var parts: [String] = []
        if let k = frequencyTypes { parts.append(k.map(\.rawValue).joined(separator: " or ") + " frequencies") }
        if let v = virtualOrganization { parts.append(v.hasSuffix("*") ? "virtual organizations starting with \(v.dropLast())" : "virtual organization \(v)") }
        if let d = direction, d != .both { parts.append("\(d.rawValue) only") }
        if let o = origin { parts.append("from " + o.joined(separator: " or ")) }
        if let d = destination { parts.append("bound for " + d.joined(separator: " or ")) }
        if let a = aircraft { parts.append("aircraft " + a.joined(separator: " or ")) }
        if let l = landing {
            var b: [String] = []
            if let x = l.maxVerticalSpeed { b.append("at or below \(Int(x)) fpm") }
            if let x = l.minVerticalSpeed { b.append("at or above \(Int(x)) fpm") }
            if let x = l.minGroundSpeed { b.append("at least \(Int(x)) kt") }
            if let x = l.maxGroundSpeed { b.append("at most \(Int(x)) kt") }
            parts.append("landings " + b.joined(separator: ", "))
        }
        return parts.joined(separator: ", ")
    }
}
