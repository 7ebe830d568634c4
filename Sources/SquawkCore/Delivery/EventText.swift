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

    public static func headline(_ e: FlightEvent, airports: AirportIndex) -> String {
        let who = e.callsign ?? e.username ?? e.flightId ?? "A flight"
        let at = airport(e.airport, name: e.data["airportName"]?.stringValue, airports: airports)
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
            let old = d["oldDestination"]?.stringValue ?? "?"
            let new = d["newDestination"]?.stringValue ?? e.airport ?? "?"
            return "\(who) is diverting from \(old) to \(airport(new, airports: airports) ?? new)"
        case .approaching:
            let dist = d["distance"]?.doubleValue ?? d["distanceNM"]?.doubleValue
            let eta = d["etaMinutes"]?.doubleValue ?? d["eta"]?.doubleValue
            var s = "\(who) is approaching \(at ?? "its destination")"
            if let dist { s += ", \(Int(dist.rounded())) nm out" }
            if let eta { s += ", ETA \(Int(eta.rounded())) min" }
            return s
        case .pilotState:
            let new = d["new"]?.stringValue ?? d["pilotState"]?.stringValue ?? "changed"
            return "\(who)'s pilot is now \(new.replacingOccurrences(of: "_", with: " "))"
        case .atcOpened:
            let kind = d["frequencyType"]?.stringValue?.capitalized ?? "ATC"
            let by = (d["controller"]?.stringValue ?? e.username).map { " (\($0))" } ?? ""
            return "\(e.airport ?? "Center") \(kind) is open\(by)"
        case .atcClosed:
            let kind = d["frequencyType"]?.stringValue?.capitalized ?? "ATC"
            return "\(e.airport ?? "Center") \(kind) closed"
        case .atisChanged:
            let letter = d["letter"]?.stringValue.map { " information \($0)" } ?? ""
            return "\(e.airport ?? "Airport") ATIS\(letter) is current"
        case .subscriptionTest:
            return "Test event from Squawk: this subscription works"
        }
    }

    static func route(_ d: [String: JSONValue]) -> String {
        let o = d["origin"]?.stringValue, dest = d["destination"]?.stringValue
        guard o != nil || dest != nil else { return "" }
        var s = " \(o ?? "?") → \(dest ?? "?")"
        if let n = d["waypointCount"]?.doubleValue { s += " (\(Int(n)) waypoints)" }
        return s
    }
}
