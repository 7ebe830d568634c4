import Foundation

/// The human sentence for an event ("DAL40 took off from Los Angeles Intl (KLAX)"), shared by the
/// Discord, Slack and operator renderers so every channel says the same thing.
public enum EventText {
    /// "Los Angeles Intl (KLAX)", or just the ICAO when unknown.
    public static func airport(_ icao: String?, name: String? = nil, airports: AirportIndex) -> String? {
        guard let icao else { return nil }
        let n = name ?? airports[icao]?.name
        return n.map { "\($0) (\(icao))" } ?? icao
    }

    /// `escape` is applied to the text users choose (callsigns, display names, airport names as
    /// the event carries them), so a channel's markup cannot be injected through them.
    public static func headline(_ e: FlightEvent, airports: AirportIndex, escape: (String) -> String = { $0 }) -> String {
        let who = escape(e.callsign ?? e.username ?? e.flightId ?? "A flight")
        let at = airport(e.airport, name: e.data["airportName"]?.stringValue, airports: airports).map(escape)
        let d = e.data
        switch e.type {
        case .takeoff:
            return at.map { "\(who) took off from \($0)" } ?? "\(who) took off"
        case .landing:
            let place = at.map { " at \($0)" } ?? ""
            let rate = d["touchdownRate"]?.doubleValue.map { " (\(Int($0.rounded())) fpm)" } ?? ""
            return d["touchAndGo"]?.boolValue == true ? "\(who) touched and went\(place)\(rate)" : "\(who) landed\(place)\(rate)"
        case .flightOnline:
            if d["airborne"]?.boolValue == true { return "\(who) came online in the air" }
            return at.map { "\(who) came online at \($0)" } ?? "\(who) came online"
        case .flightOffline:
            if d["airborne"]?.boolValue == true { return "\(who) went offline in the air" }
            return at.map { "\(who) went offline at \($0)" } ?? "\(who) went offline"
        case .planFiled:
            return "\(who) filed a flight plan\(route(d))"
        case .planChanged:
            return "\(who) changed its flight plan\(route(d))"
        case .diverted:
            let old = d["previousDestination"]?.stringValue ?? "?"
            let new = d["destination"]?.stringValue ?? e.airport ?? "?"
            return "\(who) is diverting from \(old) to \(airport(new, airports: airports) ?? new)"
        case .approaching:
            let dist = d["distance"]?.doubleValue ?? d["distanceNM"]?.doubleValue
            let eta = d["etaMinutes"]?.doubleValue ?? d["eta"]?.doubleValue
            var s = "\(who) is approaching \(at ?? "its destination")"
            if let dist { s += ", \(Int(dist.rounded())) nm out" }
            if let eta { s += ", ETA \(Int(eta.rounded())) min" }
            return s
        case .flightCompleted:
            return completed(e, who: who, airports: airports)
        case .pilotState:
            return pilotState(who, current: d["current"]?.stringValue, previous: d["previous"]?.stringValue,
                              airborne: d["airborne"]?.boolValue)
        case .atcOpened:
            let by = (d["controller"]?.stringValue ?? e.username).map { " (\(escape($0)))" } ?? ""
            return "\(frequency(e)) is open\(by)"
        case .atcClosed:
            var s = "\(frequency(e)) closed"
            if let t = d["duration"]?.doubleValue, t > 0 { s += " after \(duration(t))" }
            if let by = d["controller"]?.stringValue ?? e.username { s += " (\(escape(by)))" }
            return s
        case .atisChanged:
            let letter = d["letter"]?.stringValue.map { " information \($0)" } ?? ""
            return "\(e.airport ?? "Airport") ATIS\(letter) is current"
        case .subscriptionTest:
            return "Test event from Squawk: this subscription works"
        case .flsTakeoff, .flsLanding, .flsMightHaveStarted, .flsMightHaveLanded, .flsCorrected, .flsStateChanged:
            return flsHeadline(e)
        }
    }

    /// "KLAX Tower", "KJFK ATIS", "Center": the frequency as a controller would name it.
    public static func frequency(_ e: FlightEvent) -> String {
        let kind = frequencyKind(e.data["frequencyKind"]?.stringValue)
        guard let airport = e.airport else { return kind }
        return "\(airport) \(kind)"
    }

    /// "Tower", "Approach", "ATIS" for a ``FrequencyKind`` raw value; "ATC" when unknown.
    public static func frequencyKind(_ raw: String?) -> String {
        switch raw.flatMap(FrequencyKind.init(rawValue:)) {
        case .atis: "ATIS"
        case .ground, .tower, .unicom, .clearance, .approach, .departure, .center: raw!.capitalized
        default: "ATC"
        }
    }

    /// What a pilot-state change means to someone following the flight.
    static func pilotState(_ who: String, current: String?, previous: String?, airborne: Bool?) -> String {
        switch current {
        case "active":
            return previous == nil || previous == "active" ? "\(who)'s pilot is active" : "\(who)'s pilot is back"
        case "away_in_flight": return "\(who)'s pilot stepped away in flight"
        case "away_parked": return "\(who)'s pilot stepped away, parked"
        case "background": return "\(who)'s pilot put Infinite Flight in the background" + (airborne == true ? " in flight" : "")
        default: return "\(who)'s pilot state changed"
        }
    }

    /// "DAL40 completed KLAX → KJFK (5 h 12 min block, -180 fpm)", or "… disconnected in the
    /// air after 1 h 3 min out of KLAX".
    static func completed(_ e: FlightEvent, who: String, airports: AirportIndex) -> String {
        let d = e.data
        let from = d["departureAirport"]?.stringValue ?? d["origin"]?.stringValue
        if d["outcome"]?.stringValue == "disconnected" {
            var s = "\(who) disconnected in the air"
            if let t = d["airTime"]?.doubleValue { s += " after \(duration(t))" }
            if let from { s += " out of \(from)" }
            return s
        }
        let to = d["arrivalAirport"]?.stringValue ?? e.airport
        var s = "\(who) completed \(from ?? "?") → \(to ?? "?")"
        var notes: [String] = []
        if let t = d["blockTime"]?.doubleValue ?? d["airTime"]?.doubleValue { notes.append("\(duration(t)) block") }
        if let r = d["touchdownRate"]?.doubleValue { notes.append("\(Int(r.rounded())) fpm") }
        if let planned = d["destination"]?.stringValue, let to, planned != to { notes.append("diverted from \(planned)") }
        if !notes.isEmpty { s += " (" + notes.joined(separator: ", ") + ")" }
        return s
    }

    /// "club: Glider took off at 10:32 UTC (aero-tow)" and the like, for FLS leg events.
    static func flsHeadline(_ e: FlightEvent) -> String {
        let d = e.data
        let leg: String = switch d["leg"]?.stringValue {
        case "tow": "Tow plane"
        case "motor": "Motor flight"
        default: "Glider"
        }
        let prefix = (d["instance"]?.stringValue ?? e.server?.name).map { "\($0): " } ?? ""
        switch e.type {
        case .flsTakeoff:
            let how = d["startType"]?.stringValue.map { " (\($0.replacingOccurrences(of: "_", with: "-")))" } ?? ""
            return prefix + "\(leg) took off" + clock(d["startTime"]).map { " at \($0)" }.orEmpty + how
        case .flsLanding:
            var s = prefix + "\(leg) landed" + clock(d["landingTime"]).map { " at \($0)" }.orEmpty
            if let secs = d["durationSeconds"]?.doubleValue { s += " after \(duration(secs))" }
            if let n = d["landings"]?.doubleValue, n > 1 { s += " (\(Int(n)) landings)" }
            return s
        case .flsMightHaveStarted:
            return prefix + "\(leg) may have started (no start time logged yet)"
        case .flsMightHaveLanded:
            return prefix + "\(leg) may have landed or is still flying (no landing time logged yet)"
        case .flsCorrected:
            let field = d["field"]?.stringValue == "landing" ? "landing" : "start"
            let old = clock(d["old"]) ?? "none", new = clock(d["new"]) ?? "removed"
            return prefix + "\(leg) \(field) time corrected: \(old) → \(new)"
        default:
            let to = (d["to"]?.stringValue ?? "changed").replacingOccurrences(of: "_", with: " ")
            let from = d["from"]?.stringValue.map { " (was \($0.replacingOccurrences(of: "_", with: " ")))" } ?? ""
            return prefix + "\(leg) flight is now \(to)\(from)"
        }
    }

    /// "10:32 UTC" of an ISO 8601 time in `v`.
    static func clock(_ v: JSONValue?) -> String? {
        guard let text = v?.stringValue, let date = ISO8601.parse(text) else { return nil }
        let secs = Int(date.timeIntervalSince1970.rounded(.down)) % 86_400
        let s = (secs + 86_400) % 86_400
        return String(format: "%02d:%02d UTC", s / 3600, (s % 3600) / 60)
    }

    /// "1 h 15 min", "42 min", "50 s".
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        let h = s / 3600, m = (s % 3600) / 60
        return h > 0 ? "\(h) h \(m) min" : "\(m) min"
    }

    static func route(_ d: [String: JSONValue]) -> String {
        let o = d["origin"]?.stringValue, dest = d["destination"]?.stringValue
        guard o != nil || dest != nil else { return "" }
        var s = " \(o ?? "?") → \(dest ?? "?")"
        if let n = d["waypointCount"]?.doubleValue { s += " (\(Int(n)) waypoints)" }
        return s
    }
}

extension Optional<String> {
    /// The string, or "" for nil.
    var orEmpty: String { self ?? "" }
}
