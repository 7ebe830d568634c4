// MARK: - AircraftType

/// One aircraft model the simulator flies, with the performance numbers its flights use.
/// Ids are stable UUIDs derived from the name (like the real service, they do not depend on the
/// world's seed).
struct AircraftType: Sendable {
    /// Broad class; decides route lengths, callsign style and pattern work.
    enum Category: Sendable { case generalAviation, regional, narrowBody, wideBody }

    let name: String
    let category: Category
    /// Typical cruise ground speed, knots.
    let cruiseSpeed: Double
    /// Highest cruise altitude, feet.
    let ceiling: Double
    /// Rotation (lift-off) speed, knots.
    let rotateSpeed: Double
    /// Final approach speed, knots.
    let approachSpeed: Double
    /// Livery names; ids derive from aircraft + livery name.
    let liveries: [String]

    var id: String { SimRandom.stableUUID("aircraft:\(name)") }
    func liveryId(_ index: Int) -> String { SimRandom.stableUUID("livery:\(name):\(liveries[index])") }

    /// Great-circle route lengths this type flies, nautical miles.
    var routeRange: ClosedRange<Double> {
        switch category {
        case .generalAviation: 25...260
        case .regional: 80...650
        case .narrowBody: 150...1800
        case .wideBody: 900...5500
        }
    }
}

// MARK: - AircraftCatalog

/// The fixed fleet served by `/public/v2/aircraft` and flown by the world's flights.
enum AircraftCatalog {
    static let all: [AircraftType] = [
        AircraftType(name: "Cessna 172", category: .generalAviation, cruiseSpeed: 115, ceiling: 9_000,
                     rotateSpeed: 55, approachSpeed: 65, liveries: ["Generic", "Blue Stripe", "Civil Air Patrol"]),
        AircraftType(name: "Cessna 208 Caravan", category: .generalAviation, cruiseSpeed: 170, ceiling: 14_000,
                     rotateSpeed: 70, approachSpeed: 80, liveries: ["Generic", "FedEx Feeder"]),
        AircraftType(name: "Cirrus SR22", category: .generalAviation, cruiseSpeed: 175, ceiling: 13_000,
                     rotateSpeed: 70, approachSpeed: 80, liveries: ["Generic", "Carbon"]),
        AircraftType(name: "TBM 930", category: .generalAviation, cruiseSpeed: 300, ceiling: 28_000,
                     rotateSpeed: 85, approachSpeed: 90, liveries: ["Generic", "Daher"]),
        AircraftType(name: "Dash 8-Q400", category: .regional, cruiseSpeed: 330, ceiling: 25_000,
                     rotateSpeed: 115, approachSpeed: 120, liveries: ["Generic", "Flybe", "WestJet Encore", "Porter"]),
        AircraftType(name: "ATR-72", category: .regional, cruiseSpeed: 275, ceiling: 24_000,
                     rotateSpeed: 110, approachSpeed: 115, liveries: ["Generic", "Air New Zealand", "Binter"]),
        AircraftType(name: "Bombardier CRJ-900", category: .regional, cruiseSpeed: 440, ceiling: 37_000,
                     rotateSpeed: 140, approachSpeed: 140, liveries: ["Generic", "Delta Connection", "Lufthansa CityLine"]),
        AircraftType(name: "Embraer E175", category: .regional, cruiseSpeed: 430, ceiling: 37_000,
                     rotateSpeed: 135, approachSpeed: 135, liveries: ["Generic", "American Eagle", "KLM Cityhopper"]),
        AircraftType(name: "Airbus A220-300", category: .narrowBody, cruiseSpeed: 450, ceiling: 39_000,
                     rotateSpeed: 140, approachSpeed: 135, liveries: ["airBaltic", "Swiss", "Delta", "Air Canada"]),
        AircraftType(name: "Airbus A320", category: .narrowBody, cruiseSpeed: 450, ceiling: 39_000,
                     rotateSpeed: 145, approachSpeed: 138, liveries: ["Generic", "easyJet", "Lufthansa", "JetBlue", "IndiGo", "Vueling"]),
        AircraftType(name: "Airbus A321", category: .narrowBody, cruiseSpeed: 455, ceiling: 39_000,
                     rotateSpeed: 150, approachSpeed: 142, liveries: ["Generic", "American Airlines", "British Airways", "Turkish Airlines"]),
        AircraftType(name: "Boeing 737-800", category: .narrowBody, cruiseSpeed: 455, ceiling: 41_000,
                     rotateSpeed: 150, approachSpeed: 145, liveries: ["Generic", "Ryanair", "Southwest", "United", "KLM", "Qantas"]),
        AircraftType(name: "Boeing 737 MAX 8", category: .narrowBody, cruiseSpeed: 455, ceiling: 41_000,
                     rotateSpeed: 150, approachSpeed: 145, liveries: ["Generic", "Alaska", "Southwest", "WestJet"]),
        AircraftType(name: "Boeing 757-200", category: .narrowBody, cruiseSpeed: 460, ceiling: 42_000,
                     rotateSpeed: 140, approachSpeed: 135, liveries: ["Generic", "Delta", "Icelandair", "FedEx"]),
        AircraftType(name: "Airbus A330-300", category: .wideBody, cruiseSpeed: 470, ceiling: 41_000,
                     rotateSpeed: 150, approachSpeed: 140, liveries: ["Generic", "Cathay Pacific", "Delta", "Turkish Airlines"]),
        AircraftType(name: "Airbus A350-900", category: .wideBody, cruiseSpeed: 485, ceiling: 43_000,
                     rotateSpeed: 155, approachSpeed: 140, liveries: ["Generic", "Qatar Airways", "Singapore Airlines", "Air France"]),
        AircraftType(name: "Boeing 777-300ER", category: .wideBody, cruiseSpeed: 490, ceiling: 43_000,
                     rotateSpeed: 165, approachSpeed: 150, liveries: ["Generic", "Emirates", "Air Canada", "Cathay Pacific", "Swiss"]),
        AircraftType(name: "Boeing 787-9", category: .wideBody, cruiseSpeed: 488, ceiling: 43_000,
                     rotateSpeed: 155, approachSpeed: 145, liveries: ["Generic", "British Airways", "United", "Qantas", "ANA"]),
        AircraftType(name: "Boeing 747-400", category: .wideBody, cruiseSpeed: 490, ceiling: 45_000,
                     rotateSpeed: 165, approachSpeed: 155, liveries: ["Generic", "Lufthansa", "British Airways", "Qantas"]),
        AircraftType(name: "Airbus A380", category: .wideBody, cruiseSpeed: 490, ceiling: 43_000,
                     rotateSpeed: 160, approachSpeed: 145, liveries: ["Generic", "Emirates", "Singapore Airlines", "Lufthansa"]),
    ]

    /// Relative spawn weights, parallel to ``all`` (narrow-bodies dominate, like the real fleet).
    static let weights: [Double] = [5, 2, 2, 1, 2, 2, 3, 3, 4, 10, 6, 10, 5, 3, 3, 4, 6, 6, 2, 2]

    /// The type with this id or name (case-insensitive name match), if any.
    static func find(_ key: String) -> Int? {
        let lower = key.lowercased()
        return all.firstIndex { $0.id == lower || $0.name.lowercased() == lower }
    }
}
