/// An airport from the bundled data file (Resources/airports.tsv, generated from the PyPI package
/// `airportsdata`, MIT licence; see scripts/gen_airports.py).
public struct Airport: Sendable, Hashable, Codable {
    public var icao: String
    public var iata: String?
    public var name: String
    public var latitude: Double
    public var longitude: Double
    /// Field elevation, feet above mean sea level.
    public var elevation: Double
    /// The place the airport serves ("New York" for KJFK), when the data names one: FLIFO's `city`.
    public var city: String?

    public init(icao: String, iata: String? = nil, name: String, latitude: Double, longitude: Double, elevation: Double,
                city: String? = nil) {
        self.icao = icao
        self.iata = iata
        self.name = name
        self.latitude = latitude
        self.longitude = longitude
        self.elevation = elevation
        self.city = city
    }
}

/// Great-circle geometry on a spherical earth, in nautical miles.
public enum Geo {
    public static let earthRadiusNM = 3440.065

    /// Distance between two points in nautical miles (haversine).
    public static func distanceNM(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let p1 = lat1 * .pi / 180, p2 = lat2 * .pi / 180
        let dp = p2 - p1, dl = (lon2 - lon1) * .pi / 180
        let a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2)
        return 2 * earthRadiusNM * asin(min(1, a.squareRoot()))
    }

    /// Initial bearing from point 1 to point 2, degrees 0..<360.
    public static func bearing(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let p1 = lat1 * .pi / 180, p2 = lat2 * .pi / 180, dl = (lon2 - lon1) * .pi / 180
        let y = sin(dl) * cos(p2)
        let x = cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl)
        let deg = atan2(y, x) * 180 / .pi
        return (deg + 360).truncatingRemainder(dividingBy: 360)
    }

    /// The point `distanceNM` from (lat, lon) along `bearing` degrees.
    public static func destination(_ lat: Double, _ lon: Double, bearing: Double, distanceNM: Double) -> (lat: Double, lon: Double) {
        let d = distanceNM / earthRadiusNM, b = bearing * .pi / 180
        let p1 = lat * .pi / 180, l1 = lon * .pi / 180
        let p2 = asin(sin(p1) * cos(d) + cos(p1) * sin(d) * cos(b))
        let l2 = l1 + atan2(sin(b) * sin(d) * cos(p1), cos(d) - sin(p1) * sin(p2))
        var lon2 = l2 * 180 / .pi
        lon2 = (lon2 + 540).truncatingRemainder(dividingBy: 360) - 180
        return (p2 * 180 / .pi, lon2)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
