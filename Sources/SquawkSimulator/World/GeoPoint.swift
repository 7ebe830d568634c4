import Foundation
import SquawkCore

// MARK: - GeoPoint

/// A latitude/longitude pair, degrees.
struct GeoPoint: Sendable, Hashable {
    var lat: Double
    var lon: Double

    /// Great-circle distance to `other`, nautical miles.
    func distance(to other: GeoPoint) -> Double { Geo.distanceNM(lat, lon, other.lat, other.lon) }

    /// Initial great-circle bearing to `other`, degrees.
    func bearing(to other: GeoPoint) -> Double { Geo.bearing(lat, lon, other.lat, other.lon) }

    /// The point `distance` nm away along `bearing` (great circle).
    func moved(bearing: Double, distance: Double) -> GeoPoint {
        let p = Geo.destination(lat, lon, bearing: bearing, distanceNM: distance)
        return GeoPoint(lat: p.lat, lon: p.lon)
    }

    /// Moves `distance` nm along `track` on a local flat-earth approximation: exact enough for
    /// the one-second steps of the world and much cheaper than the spherical formula.
    mutating func advance(track: Double, distance: Double) {
        let t = track * .pi / 180
        lat += distance * cos(t) / 60
        let c = max(0.01, cos(lat * .pi / 180))
        lon += distance * sin(t) / (60 * c)
        if lon > 180 { lon -= 360 } else if lon < -180 { lon += 360 }
    }
}

// MARK: - Angles

/// Small helpers for headings.
enum Angle {
    /// `a` normalised to 0..<360.
    static func normalize(_ a: Double) -> Double {
        let r = a.truncatingRemainder(dividingBy: 360)
        return r < 0 ? r + 360 : r
    }

    /// Signed smallest difference `to − from`, in -180...180.
    static func delta(from: Double, to: Double) -> Double {
        var d = (to - from).truncatingRemainder(dividingBy: 360)
        if d > 180 { d -= 360 } else if d < -180 { d += 360 }
        return d
    }

    /// `current` turned toward `target` by at most `maxStep` degrees.
    static func turn(_ current: Double, toward target: Double, maxStep: Double) -> Double {
        let d = delta(from: current, to: target)
        return normalize(current + max(-maxStep, min(maxStep, d)))
    }
}
