import Foundation
import SquawkCore

/// What a subscription matches, read literally from its fields: a loop over every subscription,
/// no index, no normalisation kept between calls. The property tests hold ``Matcher`` (indexed)
/// and ``PollNeeds`` to it.
enum ReferenceMatcher {
    /// The ids of the subscriptions in `all` that want `e`.
    static func match(_ all: [Subscription], _ e: FlightEvent) -> Set<String> {
        Set(all.filter { matches($0, e) }.map(\.id))
    }

    static func matches(_ s: Subscription, _ e: FlightEvent) -> Bool {
        if s.status != .active { return false }
        if let expiry = s.expiresAt, expiry < e.at { return false }
        if !s.events.contains(e.type) { return false }
        if let server = s.server {
            guard let es = e.server else { return false }
            if !same(es.id, server) && !same(es.name, server) { return false }
        }
        if !targetNames(s.target, e) { return false }
        return filtersAdmit(s.filters, target: s.target, e)
    }

    static func same(_ a: String?, _ b: String) -> Bool {
        guard let a else { return false }
        return a.lowercased() == b.lowercased()
    }

    /// Whether the target names the event's subject.
    static func targetNames(_ t: SubscriptionTarget, _ e: FlightEvent) -> Bool {
        let id = t.id.trimmingCharacters(in: .whitespaces)
        let fls = e.type.rawValue.hasPrefix("fls.")
        switch t.kind {
        case .flight:
            return !fls && same(e.flightId, id)
        case .callsign:
            guard !fls, let callsign = e.callsign?.uppercased() else { return false }
            let pattern = id.uppercased()
            if pattern.hasSuffix("*") { return callsign.hasPrefix(String(pattern.dropLast())) }
            if pattern.hasPrefix("*") { return callsign.hasSuffix(String(pattern.dropFirst())) }
            return callsign == pattern
        case .user:
            return !fls && (same(e.userId, id) || same(e.username, id))
        case .airport:
            if fls { return false }
            if same(e.airport, id) { return true }
            if e.type == .diverted, same(e.data["previousDestination"]?.stringValue, id) { return true }
            if e.type == .planFiled || e.type == .planChanged, same(e.data["origin"]?.stringValue, id) { return true }
            if e.type == .flightCompleted, same(e.data["departureAirport"]?.stringValue, id) { return true }
            return false
        case .server:
            guard !fls, let server = e.server else { return false }
            return same(server.id, id) || same(server.name, id)
        case .flsFlight:
            return fls && (same(e.flightId, id) || same(e.data["legFlightId"]?.stringValue, id))
        case .flsClub:
            return fls && same(e.server?.id, "fls:" + id)
        }
    }

    /// Each filter given holds for the event, when the event is one the filter is about.
    static func filtersAdmit(_ f: SubscriptionFilters, target: SubscriptionTarget, _ e: FlightEvent) -> Bool {
        let type = e.type.rawValue
        let d = e.data
        func text(_ key: String) -> String? { d[key]?.stringValue }

        if let kinds = f.frequencyTypes, ["atc.opened", "atc.closed", "atis.changed"].contains(type) {
            let kind = type == "atis.changed" ? "atis" : text("frequencyKind")
            if !kinds.map(\.rawValue).contains(where: { $0 == kind }) { return false }
        }
        if type.hasPrefix("flight.") {
            if let vo = f.virtualOrganization {
                guard let have = e.virtualOrganization?.lowercased() else { return false }
                let want = vo.lowercased()
                if want.hasSuffix("*") {
                    if !have.hasPrefix(String(want.dropLast())) { return false }
                } else if have != want { return false }
            }
            if let list = f.origin {
                guard let o = text("origin"), list.contains(where: { same(o, $0) }) else { return false }
            }
            if let list = f.destination {
                guard let x = text("destination"), list.contains(where: { same(x, $0) }) else { return false }
            }
            if let terms = f.aircraft {
                var any = false
                for term in terms {
                    let t = term.lowercased()
                    if same(text("aircraftId"), t) || same(text("liveryId"), t) { any = true }
                    if let n = text("aircraftName"), n.lowercased().contains(t) { any = true }
                    if let n = text("liveryName"), n.lowercased().contains(t) { any = true }
                }
                if !any { return false }
            }
        }
        if let direction = f.direction, direction != .both, target.kind == .airport {
            let icao = target.id
            let departure = (type == "flight.takeoff" && same(e.airport, icao))
                || ((type == "flight.plan_filed" || type == "flight.plan_changed") && same(text("origin"), icao))
                || (type == "flight.completed" && same(text("departureAirport"), icao))
            let arrival = (["flight.landing", "flight.approaching", "flight.completed"].contains(type) && same(e.airport, icao))
                || (["flight.diverted", "flight.plan_filed", "flight.plan_changed"].contains(type) && same(text("destination"), icao))
            let about = ["flight.takeoff", "flight.landing", "flight.approaching", "flight.diverted",
                         "flight.plan_filed", "flight.plan_changed", "flight.completed"].contains(type)
            if about {
                if direction == .departures && !departure { return false }
                if direction == .arrivals && !arrival { return false }
            }
        }
        if let l = f.landing, type == "flight.landing" || type == "flight.completed" {
            let rate = d["touchdownRate"]?.doubleValue
            let speed = d["groundSpeed"]?.doubleValue
            if let lo = l.minVerticalSpeed { guard let rate, rate >= lo else { return false } }
            if let hi = l.maxVerticalSpeed { guard let rate, rate <= hi else { return false } }
            if let lo = l.minGroundSpeed { guard let speed, speed >= lo else { return false } }
            if let hi = l.maxGroundSpeed { guard let speed, speed <= hi else { return false } }
        }
        return true
    }

    // MARK: - Poll plan

    /// The Live API servers (ids) the active subscriptions need polled, read literally: every
    /// known server their `server` restriction and (for a server target) their target admit;
    /// a flight target without a restriction whose flight was seen needs that flight's server.
    static func serversNeeded(_ subs: [Subscription], servers: [ServerRef], flightServer: [String: String], now: Date) -> Set<String> {
        var out: Set<String> = []
        for s in subs {
            if s.status != .active { continue }
            if let expiry = s.expiresAt, expiry <= now { continue }
            if s.target.kind == .flsFlight || s.target.kind == .flsClub { continue }
            for server in servers {
                if let r = s.server, !same(server.id, r) && !same(server.name, r) { continue }
                if s.target.kind == .server, !same(server.id, s.target.id) && !same(server.name, s.target.id) { continue }
                if s.target.kind == .flight, s.server == nil, let known = flightServer[s.target.id.lowercased()], known != server.id { continue }
                out.insert(server.id)
            }
        }
        return out
    }
}
