import Foundation

/// "Which airport is this aircraft at?" for the diff engine: a fine grid (0.1° × 0.1°) over the
/// airports of an ``AirportIndex``, built once per ``DiffConfiguration``.
///
/// ``AirportIndex/nearest(latitude:longitude:withinNM:)`` scans 1° cells, up to a thousand
/// airports in dense regions; the differ asks this question for every low flight in every
/// snapshot, so it needs the finer grid (a handful of candidates per query).
///
/// Resolution rule (``resolve(latitude:longitude:radiusNM:preferring:_:)``):
/// 1. an airport named in `preferring` (the flight plan's origin or destination) within the
///    radius wins, nearest first;
/// 2. otherwise the best candidate within the radius by distance, where airports without an IATA
///    code (strips, heliports, private fields) count ``nonIATAPenaltyNM`` farther: a big airport's
///    runway end can be closer to a heliport than to the airport's reference point.
///
/// A final class of constants: the differ calls it for every low flight of every snapshot, and
/// a struct holding arrays would be retained field by field at each call.
final class AirportLocator: Sendable {
    /// One airport as the grid stores it (compact; `index` points into ``AirportIndex/airports``).
    struct Entry: Sendable {
        var latitude: Double
        var longitude: Double
        var elevation: Double
        var hasIATA: Bool
        var index: Int32
    }

    /// A resolved airport: its ICAO code, field elevation and distance from the query point.
    struct Match: Sendable, Hashable {
        var icao: String
        var elevation: Double
        var distanceNM: Double
    }

    /// Grid cell size, degrees.
    static let cellDegrees = 0.1
    /// Extra distance counted against airports with no IATA code, nautical miles.
    static let nonIATAPenaltyNM = 2.0

    let index: AirportIndex
    private let entries: [Entry]
    /// Cell key → range of `entries` (entries are sorted by cell).
    private let cells: [Int32: Range<Int32>]
    /// Per 1° × 1° cell, the highest field elevation in it and its eight neighbours (ft;
    /// −∞ where there is none): an aircraft well above it cannot be at any airport.
    private let highestFields: [Float]
    /// ICAO (as written in the data file) → airport, without `AirportIndex`'s uppercasing.
    private let byICAO: [String: Int32]

    // MARK: - Building

    init(_ index: AirportIndex) {
        self.index = index
        var keyed: [(Int32, Entry)] = []
        keyed.reserveCapacity(index.airports.count)
        for (i, a) in index.airports.enumerated() {
            let e = Entry(latitude: a.latitude, longitude: a.longitude, elevation: a.elevation,
                          hasIATA: !(a.iata ?? "").isEmpty, index: Int32(i))
            keyed.append((Self.key(Self.row(a.latitude), Self.column(a.longitude)), e))
        }
        keyed.sort { $0.0 < $1.0 }
        var cells: [Int32: Range<Int32>] = [:]
        var start = 0
        while start < keyed.count {
            var end = start + 1
            while end < keyed.count, keyed[end].0 == keyed[start].0 { end += 1 }
            cells[keyed[start].0] = Int32(start)..<Int32(end)
            start = end
        }
        var byICAO: [String: Int32] = [:]
        byICAO.reserveCapacity(index.airports.count)
        for (i, a) in index.airports.enumerated() { byICAO[a.icao] = Int32(i) }
        self.byICAO = byICAO
        self.entries = keyed.map(\.1)
        self.cells = cells

        var highest = [Float](repeating: -.infinity, count: 180 * 360)
        for a in index.airports {
            let row = Self.degreeRow(a.latitude), column = Self.degreeColumn(a.longitude)
            for dr in -1...1 where row + dr >= 0 && row + dr < 180 {
                for dc in -1...1 {
                    let i = (row + dr) * 360 + (column + dc + 360) % 360
                    highest[i] = max(highest[i], Float(a.elevation))
                }
            }
        }
        self.highestFields = highest
    }

    // MARK: - Queries

    /// The highest field elevation within about 60 nm of a position (ft), −∞ when no airport
    /// is that close: one array read, no search.
    func highestField(latitude: Double, longitude: Double) -> Double {
        // Truncation is floor for the shifted (non-negative) values; clamping handles the edges.
        let row = min(179, max(0, Int(latitude + 90)))
        var column = Int(longitude + 180)
        if column >= 360 || column < 0 { column = Self.degreeColumn(longitude) }
        return highestFields.withUnsafeBufferPointer { Double($0[row &* 360 &+ column]) }
    }

    /// The airport with this ICAO code, if the index has it.
    func airport(_ icao: String) -> Airport? {
        if let i = byICAO[icao] { return index.airports[Int(i)] }
        return index[icao]
    }

    /// The airport the aircraft at (`latitude`, `longitude`) is at or near, within `radiusNM`
    /// (see the type's resolution rule), or `nil` when none is.
    func resolve(latitude: Double, longitude: Double, radiusNM: Double,
                 preferring first: String? = nil, _ second: String? = nil) -> Match? {
        // The plan's airports first (a dictionary lookup each, no array built).
        let a = first.flatMap { planned($0, latitude, longitude, radiusNM) }
        let b = second.flatMap { planned($0, latitude, longitude, radiusNM) }
        if let a, let b { return a.distanceNM <= b.distanceNM ? a : b }
        if let preferred = a ?? b { return preferred }

        let rowSpan = Int((radiusNM / (60 * Self.cellDegrees)).rounded(.up))
        let cosLat = max(0.05, cos(latitude * .pi / 180))
        let radius2 = radiusNM * radiusNM
        let columnSpan = min(1800, Int((radiusNM / (60 * Self.cellDegrees * cosLat)).rounded(.up)))
        let row0 = Self.row(latitude), column0 = Self.column(longitude)
        var best: (entry: Int, score: Double, distance: Double)?
        for r in (row0 - rowSpan)...(row0 + rowSpan) where r >= 0 && r < 1800 {
            for c in (column0 - columnSpan)...(column0 + columnSpan) {
                let wrapped = (c % 3600 + 3600) % 3600
                guard let range = cells[Self.key(r, wrapped)] else { continue }
                for i in Int(range.lowerBound)..<Int(range.upperBound) {
                    let e = entries[i]
                    var dLon = e.longitude - longitude
                    if dLon > 180 { dLon -= 360 } else if dLon < -180 { dLon += 360 }
                    let x = dLon * cosLat * 60, y = (e.latitude - latitude) * 60
                    let d2 = x * x + y * y
                    guard d2 <= radius2 else { continue }
                    let d = d2.squareRoot()
                    let score = d + (e.hasIATA ? 0 : Self.nonIATAPenaltyNM)
                    if score < (best?.score ?? .infinity) { best = (i, score, d) }
                }
            }
        }
        guard let best else { return nil }
        let found = index.airports[Int(entries[best.entry].index)]
        return Match(icao: found.icao, elevation: found.elevation, distanceNM: best.distance)
    }

    /// The planned airport `icao` as a match, if it is within `radiusNM`.
    private func planned(_ icao: String, _ latitude: Double, _ longitude: Double, _ radiusNM: Double) -> Match? {
        guard let a = airport(icao) else { return nil }
        let d = Self.distanceNM(latitude, longitude, a.latitude, a.longitude)
        return d <= radiusNM ? Match(icao: a.icao, elevation: a.elevation, distanceNM: d) : nil
    }

    // MARK: - Geometry

    /// Equirectangular distance in nautical miles: within a few tens of miles it is as good as
    /// the haversine and several times cheaper.
    static func distanceNM(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        var dLon = lon2 - lon1
        if dLon > 180 { dLon -= 360 } else if dLon < -180 { dLon += 360 }
        let x = dLon * cos((lat1 + lat2) * .pi / 360)
        let y = lat2 - lat1
        return 60 * (x * x + y * y).squareRoot()
    }

    private static func row(_ latitude: Double) -> Int {
        min(1799, max(0, Int(((latitude + 90) / cellDegrees).rounded(.down))))
    }

    private static func column(_ longitude: Double) -> Int {
        (Int(((longitude + 180) / cellDegrees).rounded(.down)) % 3600 + 3600) % 3600
    }

    private static func key(_ row: Int, _ column: Int) -> Int32 { Int32(row * 3600 + column) }

    private static func degreeRow(_ latitude: Double) -> Int {
        min(179, max(0, Int((latitude + 90).rounded(.down))))
    }

    private static func degreeColumn(_ longitude: Double) -> Int {
        (Int((longitude + 180).rounded(.down)) % 360 + 360) % 360
    }
}
