import Foundation

/// All airports, by ICAO and by position (a 1°×1° grid), for "which airport is this aircraft at?".
/// An immutable value: build it once and pass it to the pure parts that need it.
public struct AirportIndex: Sendable {
    public let airports: [Airport]
    private let byICAO: [String: Int]
    private let grid: [Int: [Int]]
    private let byIATA: [String: Int]

    public init(_ airports: [Airport]) {
        self.airports = airports
        var byICAO: [String: Int] = [:]
        var grid: [Int: [Int]] = [:]
        for (i, a) in airports.enumerated() {
            byICAO[a.icao] = i
            grid[Self.cell(a.latitude, a.longitude), default: []].append(i)
        }
        self.byICAO = byICAO
        self.grid = grid
        var byIATA: [String: Int] = [:]
        for (i, a) in airports.enumerated() {
            // Several small fields may share an IATA code in the data; the first (by ICAO) wins.
            if let code = a.iata, byIATA[code] == nil { byIATA[code] = i }
        }
        self.byIATA = byIATA
    }

    /// The airport with this ICAO code (case-insensitive).
    public subscript(icao: String) -> Airport? {
        byICAO[icao.uppercased()].map { airports[$0] }
    }

    /// The airport with this IATA code (case-insensitive).
    public func airport(iata: String) -> Airport? {
        byIATA[iata.uppercased()].map { airports[$0] }
    }

    /// The nearest airport within `radiusNM` (at most ~60 nm) of a position, with its distance.
    public func nearest(latitude: Double, longitude: Double, withinNM radiusNM: Double) -> (airport: Airport, distanceNM: Double)? {
        let la = Int(floor(latitude)), lo = Int(floor(longitude))
        var best: (Int, Double)?
        for dy in -1...1 {
            for dx in -1...1 {
                var cx = lo + dx
                if cx < -180 { cx += 360 } else if cx >= 180 { cx -= 360 }
                guard let cell = grid[Self.key(la + dy, cx)] else { continue }
                for i in cell {
                    let a = airports[i]
                    let d = Geo.distanceNM(latitude, longitude, a.latitude, a.longitude)
                    if d <= radiusNM, d < (best?.1 ?? .infinity) { best = (i, d) }
                }
            }
        }
        return best.map { (airports[$0.0], $0.1) }
    }

    private static func cell(_ lat: Double, _ lon: Double) -> Int { key(Int(floor(lat)), Int(floor(lon))) }
    private static func key(_ la: Int, _ lo: Int) -> Int { (la + 90) * 1000 + (lo + 180) }
}

extension AirportIndex {
    /// Parses the TSV format of Resources/airports.tsv (`icao iata name lat lon elevation city`;
    /// `city` may be empty or, in older files, absent; lines starting with `#` are comments).
    public init(tsv: String) {
        var list: [Airport] = []
        list.reserveCapacity(30_000)
        for line in tsv.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count >= 6, let lat = Double(f[3]), let lon = Double(f[4]), let elev = Double(f[5]) else { continue }
            let city = f.count > 6 && !f[6].isEmpty ? String(f[6]) : nil
            list.append(Airport(icao: String(f[0]), iata: f[1].isEmpty ? nil : String(f[1]), name: String(f[2]),
                                latitude: lat, longitude: lon, elevation: elev, city: city))
        }
        self.init(list)
    }

    /// The bundled data set (~28k airports), read once on first use.
    public static let bundled: AirportIndex = {
        guard let url = Bundle.module.url(forResource: "airports", withExtension: "tsv"),
              let text = try? String(contentsOf: url, encoding: .utf8)
        else { return AirportIndex([]) }
        return AirportIndex(tsv: text)
    }()
}
