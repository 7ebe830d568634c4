/// A subscription's ``SubscriptionFilters`` prepared for the matcher: lower- and upper-cased
/// once, sets instead of lists. A class, so a matcher entry without filters (most of them)
/// pays one nil pointer, and entries with the same filters could share one.
///
/// The matcher consults it only for subscriptions its indexes already found, so a filter never
/// turns a lookup into a scan.
final class MatchFilter: Sendable {
    let frequencyKinds: Set<String>?
    /// Lower-cased; `prefix` when the pattern ended in `*`.
    let organization: (text: String, prefix: Bool)?
    let direction: SubscriptionFilters.Direction?
    /// The airport target's ICAO (what `direction` is relative to).
    let airport: String?
    let origin: Set<String>?
    let destination: Set<String>?
    /// Lower-cased terms.
    let aircraft: [String]?
    let landing: SubscriptionFilters.Landing?

    /// Nil when `filters` is empty: nothing to check.
    static func make(_ filters: SubscriptionFilters, target: SubscriptionTarget) -> MatchFilter? {
        filters.isEmpty ? nil : MatchFilter(filters, target: target)
    }

    private init(_ f: SubscriptionFilters, target: SubscriptionTarget) {
        frequencyKinds = f.frequencyTypes.map { Set($0.map(\.rawValue)) }
        organization = f.virtualOrganization.map { v in
            let l = v.lowercased()
            return l.hasSuffix("*") ? (String(l.dropLast()), true) : (l, false)
        }
        direction = f.direction
        airport = target.kind == .airport ? target.id.uppercased() : nil
        origin = f.origin.map(Set.init)
        destination = f.destination.map(Set.init)
        aircraft = f.aircraft.map { $0.map { $0.lowercased() } }
        landing = f.landing
    }

    /// Whether `e` passes every filter that is about it.
    func admits(_ e: FlightEvent) -> Bool {
        let d = e.data
        if let kinds = frequencyKinds, SubscriptionFilters.frequencyEvents.contains(e.type) {
            let kind = e.type == .atisChanged ? FrequencyKind.atis.rawValue : d["frequencyKind"]?.stringValue
            guard let kind, kinds.contains(kind) else { return false }
        }
        if SubscriptionFilters.isFlightEvent(e.type) {
            if let (text, prefix) = organization {
                guard let vo = e.virtualOrganization?.lowercased(), prefix ? vo.hasPrefix(text) : vo == text else { return false }
            }
            if let origin {
                guard let o = d["origin"]?.stringValue, origin.contains(Matcher.upper(o)) else { return false }
            }
            if let destination {
                guard let x = d["destination"]?.stringValue, destination.contains(Matcher.upper(x)) else { return false }
            }
            if let aircraft, !Self.aircraftMatches(aircraft, d) { return false }
        }
        if let direction, direction != .both, let airport, SubscriptionFilters.directionEvents.contains(e.type) {
            guard direction == .departures ? Self.isDeparture(e, from: airport) : Self.isArrival(e, at: airport) else { return false }
        }
        if let landing, SubscriptionFilters.landingEvents.contains(e.type) {
            guard Self.within(landing, d) else { return false }
        }
        return true
    }

    // MARK: - Rules

    /// A takeoff from `airport`, or a plan out of it.
    static func isDeparture(_ e: FlightEvent, from airport: String) -> Bool {
        switch e.type {
        case .takeoff: e.airport.map(upper) == airport
        case .planFiled, .planChanged: e.data["origin"]?.stringValue.map(upper) == airport
        case .flightCompleted: e.data["departureAirport"]?.stringValue.map(upper) == airport
        default: false
        }
    }

    /// A landing at `airport`, approaching it, diverted to it, or a plan into it.
    static func isArrival(_ e: FlightEvent, at airport: String) -> Bool {
        switch e.type {
        case .landing, .approaching, .flightCompleted: e.airport.map(upper) == airport
        case .diverted, .planFiled, .planChanged: e.data["destination"]?.stringValue.map(upper) == airport
        default: false
        }
    }

    static func aircraftMatches(_ terms: [String], _ d: [String: JSONValue]) -> Bool {
        let ids = [d["aircraftId"]?.stringValue, d["liveryId"]?.stringValue].compactMap { $0?.lowercased() }
        let names = [d["aircraftName"]?.stringValue, d["liveryName"]?.stringValue].compactMap { $0?.lowercased() }
        return terms.contains { t in ids.contains(t) || names.contains { $0.contains(t) } }
    }

    static func within(_ l: SubscriptionFilters.Landing, _ d: [String: JSONValue]) -> Bool {
        if l.minVerticalSpeed != nil || l.maxVerticalSpeed != nil {
            guard let rate = d["touchdownRate"]?.doubleValue else { return false }
            if let lo = l.minVerticalSpeed, rate < lo { return false }
            if let hi = l.maxVerticalSpeed, rate > hi { return false }
        }
        if l.minGroundSpeed != nil || l.maxGroundSpeed != nil {
            guard let speed = d["groundSpeed"]?.doubleValue else { return false }
            if let lo = l.minGroundSpeed, speed < lo { return false }
            if let hi = l.maxGroundSpeed, speed > hi { return false }
        }
        return true
    }

    private static func upper(_ s: String) -> String { Matcher.upper(s) }
}
