import Foundation
import SquawkCore

// MARK: - SimFlightPlan

/// A filed flight plan as the world keeps it: items in order (airports, fixes, procedures with
/// children), each with a position, like the Live API's FlightPlanInfo.
struct SimFlightPlan: Sendable {
    /// One entry; procedures (`kind` sid/star/approach) carry children.
    struct Item: Sendable {
        enum Kind: Int, Sendable { case sid = 0, star = 1, approach = 2, track = 3, fix = 4, airport = 6 }
        var name: String
        var kind: Kind
        var position: GeoPoint
        /// Altitude constraint, feet, or -1.
        var altitude: Int = -1
        var children: [Item]? = nil
    }

    var id: String
    var items: [Item]
    /// When it was filed or last amended.
    var lastUpdate: Date

    /// First item's name when it is an airport.
    var origin: String? { items.first.flatMap { $0.kind == .airport ? $0.name : nil } }
    /// Last item's name when it is an airport.
    var destination: String? { items.last.flatMap { $0.kind == .airport ? $0.name : nil } }

    /// Every waypoint name in order, procedures expanded (as the Live API mapping flattens them).
    var flatWaypoints: [String] {
        var out: [String] = []
        for item in items {
            if let children = item.children, !children.isEmpty {
                out.append(contentsOf: children.map(\.name))
            } else {
                out.append(item.name)
            }
        }
        return out
    }

    /// The summary the diff engine sees.
    var summary: FlightPlanSummary {
        FlightPlanSummary(flightPlanId: id, origin: origin, destination: destination, waypoints: flatWaypoints)
    }

    /// Positions to steer through between departure and the approach, in order.
    var enroutePoints: [GeoPoint] {
        var out: [GeoPoint] = []
        for item in items where item.kind == .fix || item.kind == .sid || item.kind == .star {
            if let children = item.children, !children.isEmpty {
                out.append(contentsOf: children.map(\.position))
            } else {
                out.append(item.position)
            }
        }
        return out
    }

    // MARK: - Building

    /// A plan from `origin` to `destination` through `fixes` (positions along the route), with
    /// a SID and STAR/approach sometimes, the origin item omitted sometimes (real plans often
    /// start at a fix). Draws names from `rng`.
    static func make(
        id: String, origin: AirportGeo, destination: AirportGeo, fixes: [GeoPoint], filedAt: Date,
        rng: inout SimRandom, includeOrigin: Bool
    ) -> SimFlightPlan {
        var items: [Item] = []
        if includeOrigin {
            items.append(Item(name: origin.icao, kind: .airport, position: origin.reference, altitude: Int(origin.elevation)))
        }
        var enroute = fixes
        if enroute.count >= 3, rng.chance(0.5) {
            let sidFixes = Array(enroute.prefix(2))
            enroute.removeFirst(2)
            let sidName = NameCatalog.fixName(&rng).prefix(4) + String(rng.int(1...9))
            items.append(Item(name: String(sidName), kind: .sid, position: GeoPoint(lat: 0, lon: 0), altitude: 0,
                              children: sidFixes.map { Item(name: NameCatalog.fixName(&rng), kind: .fix, position: $0) }))
        }
        var star: Item?
        if enroute.count >= 3, rng.chance(0.5) {
            let starFixes = Array(enroute.suffix(2))
            enroute.removeLast(2)
            let starName = NameCatalog.fixName(&rng).prefix(4) + String(rng.int(1...9))
            star = Item(name: String(starName), kind: .star, position: GeoPoint(lat: 0, lon: 0), altitude: 0,
                        children: starFixes.map { Item(name: NameCatalog.fixName(&rng), kind: .fix, position: $0) })
        }
        for p in enroute {
            items.append(Item(name: NameCatalog.fixName(&rng), kind: .fix, position: p,
                              altitude: rng.chance(0.2) ? rng.int(10...39) * 1000 : -1))
        }
        if let star { items.append(star) }
        if rng.chance(0.4) {
            let rw = AirportGeo(destination.airport).runwayName
            let faf = destination.finalFix(distance: 9)
            items.append(Item(name: "I\(rw)", kind: .approach, position: GeoPoint(lat: 0, lon: 0), altitude: 0, children: [
                Item(name: NameCatalog.fixName(&rng), kind: .fix, position: faf, altitude: 3000),
                Item(name: "RW\(rw)", kind: .fix, position: destination.threshold),
            ]))
        }
        items.append(Item(name: destination.icao, kind: .airport, position: destination.reference,
                          altitude: Int(destination.elevation)))
        return SimFlightPlan(id: id, items: items, lastUpdate: filedAt)
    }

    /// Replaces the destination (and the STAR/approach leading to it) with `newDestination`.
    mutating func divert(to newDestination: AirportGeo, at time: Date) {
        while items.count > 1, let last = items.last,
              last.kind == .airport || last.kind == .star || last.kind == .approach {
            items.removeLast()
        }
        items.append(Item(name: newDestination.icao, kind: .airport, position: newDestination.reference,
                          altitude: Int(newDestination.elevation)))
        lastUpdate = time
    }
}
