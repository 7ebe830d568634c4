import SquawkCore

extension FlightPlanInfo {
    // MARK: - Mapping to SquawkCore

    /// The plan's fixes in flying order: plain items by name, procedures replaced by their
    /// children (recursively). A procedure's own name (`L12R`) is not a place and is left out.
    /// Falls back to the deprecated `waypoints` list when there are no items.
    public var flattenedWaypoints: [String] {
        var out: [String] = []
        func walk(_ items: [FlightPlanItem]) {
            for item in items {
                if let children = item.children, !children.isEmpty {
                    walk(children)
                } else {
                    out.append(item.name)
                }
            }
        }
        walk(flightPlanItems)
        return flightPlanItems.isEmpty ? (waypoints ?? []) : out
    }

    /// What the diff engine needs: origin and destination (first and last fix when they are
    /// airports) and the flattened route.
    ///
    /// - Parameter isAirport: decides whether a fix name is an airport. The default only checks
    ///   the shape (``looksLikeICAO(_:)``); the poller may pass a lookup in the airport index.
    public func summary(isAirport: (String) -> Bool = FlightPlanInfo.looksLikeICAO) -> FlightPlanSummary {
        let route = flattenedWaypoints
        let origin = route.first.flatMap { isAirport($0) ? $0.uppercased() : nil }
        let destination = route.count > 1 ? route.last.flatMap { isAirport($0) ? $0.uppercased() : nil } : nil
        return FlightPlanSummary(flightPlanId: flightPlanId, origin: origin, destination: destination, waypoints: route)
    }

    /// Whether `name` has the shape of an ICAO airport code: four ASCII letters or digits,
    /// beginning with a letter (fixes have five letters, VORs three, runways `RW12R`).
    public static func looksLikeICAO(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 4, isLetter(bytes[0]) else { return false }
        return bytes.allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) }
    }

    private static func isLetter(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
    }
}
