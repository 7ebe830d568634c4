import Foundation
import SquawkCore

// MARK: - AirportGeo

/// How the simulator lays out one airport: the data file has only a reference point and an
/// elevation, so each airport gets one runway, its heading derived from the ICAO code (stable
/// across seeds). Take-offs and landings both use it in the same direction.
///
/// ```
///   FAF (8–10 nm out) ····· threshold ══ARP══► runway heading
///                        0.8 nm before the reference point
/// ```
/// Gates lie 0.2–0.7 nm from the reference point, so an aircraft on the ground is always
/// within ~2 nm of it: close enough for "which airport is this?" lookups.
struct AirportGeo: Sendable {
    let airport: Airport
    /// Direction of take-off and landing, degrees true.
    let runwayHeading: Double
    /// Landing threshold and take-off start.
    let threshold: GeoPoint

    /// Lays out `airport`: runway heading from a hash of the ICAO code, threshold 0.8 nm before the reference point.
    init(_ airport: Airport) {
        self.airport = airport
        let h = SimRandom.stableHash("runway:\(airport.icao)")
        runwayHeading = Double(h % 36) * 10 + Double((h >> 8) % 7) - 3
        threshold = GeoPoint(lat: airport.latitude, lon: airport.longitude)
            .moved(bearing: Angle.normalize(runwayHeading + 180), distance: 0.8)
    }

    var icao: String { airport.icao }
    var elevation: Double { airport.elevation }
    var reference: GeoPoint { GeoPoint(lat: airport.latitude, lon: airport.longitude) }

    /// Runway designator for ATIS text (`"27"`, `"09"`, `"36"`).
    var runwayName: String {
        var n = Int((runwayHeading / 10).rounded()) % 36
        if n == 0 { n = 36 }
        return n < 10 ? "0\(n)" : "\(n)"
    }

    /// A point on the extended centreline, `distance` nm before the threshold.
    func finalFix(distance: Double) -> GeoPoint {
        threshold.moved(bearing: Angle.normalize(runwayHeading + 180), distance: distance)
    }

    /// A point `distance` nm past the threshold along the runway, offset `lateral` nm to the right.
    func point(along distance: Double, lateral: Double = 0) -> GeoPoint {
        var p = threshold.moved(bearing: runwayHeading, distance: distance)
        if lateral != 0 { p = p.moved(bearing: Angle.normalize(runwayHeading + 90), distance: lateral) }
        return p
    }

    /// A random gate position near the reference point.
    func gate(_ rng: inout SimRandom) -> GeoPoint {
        reference.moved(bearing: rng.uniform(0, 360), distance: rng.uniform(0.2, 0.7))
    }
}
