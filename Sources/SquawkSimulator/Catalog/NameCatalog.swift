// MARK: - NameCatalog

/// Callsigns, forum usernames and virtual organisations, drawn deterministically.
///
/// Callsigns mix airline flight numbers (`DAL40`, `BAW117`), registrations (`N123AB`, `EC-CAM`,
/// `G-EZTB`) and a few military/GA styles, as seen on the live servers. About a third of pilots
/// have no linked forum account (`username` null) and a minority fly for a virtual airline.
enum NameCatalog {
    static let airlines = [
        "DAL", "AAL", "UAL", "SWA", "JBU", "ASA", "ACA", "WJA", "BAW", "VIR", "EZY", "RYR", "DLH", "AFR",
        "KLM", "IBE", "VLG", "SWR", "AUA", "SAS", "FIN", "THY", "UAE", "QTR", "ETD", "SIA", "CPA", "JAL",
        "ANA", "QFA", "ANZ", "VOZ", "AIC", "IGO", "KAL", "EVA", "CES", "CSN", "TAM", "AVA", "AMX", "FDX",
        "UPS", "LOT", "AEE", "ICE", "TAP", "EIN", "ETH", "SAA", "MAS", "GIA", "THA", "VJC",
    ]
    static let forumNames = [
        "Cameron", "KaiM", "Laura", "Tyler_Shelton", "Misha", "Rhys_V", "Manav_Suri", "Seb", "AviatorJoe",
        "Captain_Nico", "Hanna.L", "DeltaFlyer", "Maverick", "Jake_M", "SkyQueen", "Olle", "Bastian",
        "Priya_K", "Ravi", "Chen.W", "Yuki", "Mateo", "Lucas_R", "Anja", "Felix", "Noah_P", "Zoe",
        "Liam", "Emma_IF", "Oscar", "Amelia", "Ethan_727", "Mia", "Leon", "Sofia", "Dmitri", "Ines",
        "Tom_B", "Aaron", "Jonas", "Kim_S", "Ali", "Fatima", "Omar_A", "Grace", "Henrik", "Isla",
        "Jasper", "Kenji", "Luca", "Marta", "Nils", "Pablo", "Quinn", "Rosa", "Sven", "Theo", "Uma",
        "Victor", "Wren", "Xavier", "Yara", "Zain", "heavy_metal", "flaps_full", "v1_rotate",
        "crosswind_king", "butter_lander", "squawk7700", "runway_27L", "glide_slope",
    ]
    static let virtualOrganizations = [
        "IFATC [IFATC]", "Delta Virtual [DVA]", "Qatar Virtual [QTRVA]", "Emirates Virtual [EKVA]",
        "British Virtual [BAVA]", "American Virtual [AAVA]", "Lufthansa Virtual [DLHVA]",
        "Singapore Virtual [SQVA]", "Southwest Virtual [SWAVA]", "KLM Virtual [KLMVA]",
    ]
    private static let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    /// A callsign suited to the aircraft category.
    static func callsign(_ rng: inout SimRandom, category: AircraftType.Category) -> String {
        let airlineShare: Double = switch category {
        case .generalAviation: 0.08
        case .regional: 0.75
        case .narrowBody, .wideBody: 0.85
        }
        if rng.chance(airlineShare) {
            let number = rng.chance(0.5) ? rng.int(1...999) : rng.int(1000...9999)
            return rng.pick(airlines) + String(number)
        }
        return registration(&rng)
    }

    /// A civil registration in one of several national styles.
    static func registration(_ rng: inout SimRandom) -> String {
        func l(_ n: Int) -> String { String((0..<n).map { _ in rng.pick(letters) }) }
        switch rng.int(0...7) {
        case 0, 1: return "N" + String(rng.int(1...999)) + l(2)
        case 2: return "G-" + l(4)
        case 3: return "D-" + l(4)
        case 4: return "EC-" + l(3)
        case 5: return "VH-" + l(3)
        case 6: return "C-" + l(4)
        default: return "F-" + l(4)
        }
    }

    /// A forum username, or `nil` for an unlinked account (about a third of pilots).
    static func username(_ rng: inout SimRandom, linkedShare: Double = 0.68) -> String? {
        guard rng.chance(linkedShare) else { return nil }
        let base = rng.pick(forumNames)
        return rng.chance(0.4) ? base + String(rng.int(1...99)) : base
    }

    /// A virtual organisation for about 18% of linked pilots.
    static func virtualOrganization(_ rng: inout SimRandom, hasUsername: Bool) -> String? {
        guard hasUsername, rng.chance(0.18) else { return nil }
        return rng.pick(virtualOrganizations)
    }

    /// A five-letter fix name (`AMAHE`, `ZESTY` style).
    static func fixName(_ rng: inout SimRandom) -> String {
        String((0..<5).map { _ in rng.pick(letters) })
    }

    /// The NATO phonetic word for ATIS letter `index` (0 = ALPHA).
    static func phonetic(_ index: Int) -> String {
        ["ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT", "GOLF", "HOTEL", "INDIA", "JULIETT",
         "KILO", "LIMA", "MIKE", "NOVEMBER", "OSCAR", "PAPA", "QUEBEC", "ROMEO", "SIERRA", "TANGO",
         "UNIFORM", "VICTOR", "WHISKEY", "XRAY", "YANKEE", "ZULU"][index % 26]
    }
}
