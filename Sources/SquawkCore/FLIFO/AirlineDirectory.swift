/// An airline, for mapping FLIFO's airline + flight number to Infinite Flight callsigns.
public struct Airline: Sendable, Hashable {
    public var iata: String
    public var icao: String
    public var name: String
    /// The radio telephony designator ("Delta", "Speedbird").
    public var telephony: String
}

/// The airlines Squawk can map FLIFO requests for. A FLIFO request for airline `DL` and flight
/// `40` matches Infinite Flight callsigns in any of these spellings (case-insensitive):
///
/// | form | example |
/// | --- | --- |
/// | ICAO prefix + number | `DAL40` |
/// | IATA prefix + number | `DL40` |
/// | telephony + number | `Delta 40` |
/// | the same with a suffix such as `Heavy` or `Super` | `Delta 40 Heavy` |
///
/// Leading zeros of the flight number are ignored (`DAL040` is `DAL40`).
public struct AirlineDirectory: Sendable {
    public let airlines: [Airline]
    private let byCode: [String: Airline]
    private let byTelephony: [String: Airline]

    public init(_ airlines: [Airline]) {
        self.airlines = airlines
        var map: [String: Airline] = [:]
        var telephony: [String: Airline] = [:]
        for a in airlines {
            map[a.iata] = map[a.iata] ?? a
            map[a.icao] = map[a.icao] ?? a
            telephony[a.telephony.uppercased()] = telephony[a.telephony.uppercased()] ?? a
        }
        self.byCode = map
        self.byTelephony = telephony
    }

    /// The airline with this IATA (2 characters) or ICAO (3 letters) code.
    public subscript(code: String) -> Airline? { byCode[code.uppercased()] }

    /// The airline and flight number a live callsign spells in one of the forms above
    /// (`DAL040`, `DL40`, `Delta 40 Heavy` → Delta, `40`), or `nil` (`N123AB`, `Cameron`).
    public func flight(callsign: String) -> (airline: Airline, number: String)? {
        var c = callsign.uppercased().trimmingCharacters(in: .whitespaces)
        for suffix in [" HEAVY", " SUPER"] where c.hasSuffix(suffix) { c = String(c.dropLast(suffix.count)) }
        let digits = c.reversed().prefix(while: \.isNumber)
        guard (1...5).contains(digits.count) else { return nil }
        let prefix = String(c.dropLast(digits.count))
        let spoken = prefix.hasSuffix(" ")
        let name = prefix.trimmingCharacters(in: .whitespaces)
        guard let airline = spoken ? byTelephony[name] ?? byCode[name] : byCode[name] else { return nil }
        let number = String(digits.reversed()).drop { $0 == "0" }
        return (airline, number.isEmpty ? "0" : String(number))
    }

    /// The callsigns a flight of `airline` numbered `number` may use, upper-cased, without suffixes.
    public static func callsigns(_ airline: Airline, number: String) -> [String] {
        let n = String(number.drop { $0 == "0" })
        return [airline.icao + n, airline.iata + n, airline.telephony.uppercased() + " " + n]
    }

    /// Whether a live callsign is one of `callsigns` (ignoring case, a trailing
    /// "Heavy"/"Super" and leading zeros in the number).
    public static func matches(_ callsign: String, _ callsigns: [String]) -> Bool {
        var c = callsign.uppercased().trimmingCharacters(in: .whitespaces)
        for suffix in [" HEAVY", " SUPER"] where c.hasSuffix(suffix) { c = String(c.dropLast(suffix.count)) }
        // Strip leading zeros from the trailing number.
        if let firstDigit = c.firstIndex(where: \.isNumber), c[firstDigit...].allSatisfy(\.isNumber) {
            let digits = c[firstDigit...].drop { $0 == "0" }
            c = String(c[..<firstDigit]) + digits
        }
        return callsigns.contains(c)
    }

    public static let standard = AirlineDirectory([
        Airline(iata: "AA", icao: "AAL", name: "American Airlines", telephony: "American"),
        Airline(iata: "AC", icao: "ACA", name: "Air Canada", telephony: "Air Canada"),
        Airline(iata: "AF", icao: "AFR", name: "Air France", telephony: "Airfrans"),
        Airline(iata: "AI", icao: "AIC", name: "Air India", telephony: "Air India"),
        Airline(iata: "AS", icao: "ASA", name: "Alaska Airlines", telephony: "Alaska"),
        Airline(iata: "AY", icao: "FIN", name: "Finnair", telephony: "Finnair"),
        Airline(iata: "AZ", icao: "ITY", name: "ITA Airways", telephony: "Itarrow"),
        Airline(iata: "B6", icao: "JBU", name: "JetBlue Airways", telephony: "JetBlue"),
        Airline(iata: "BA", icao: "BAW", name: "British Airways", telephony: "Speedbird"),
        Airline(iata: "BR", icao: "EVA", name: "EVA Air", telephony: "Eva"),
        Airline(iata: "CA", icao: "CCA", name: "Air China", telephony: "Air China"),
        Airline(iata: "CI", icao: "CAL", name: "China Airlines", telephony: "Dynasty"),
        Airline(iata: "CX", icao: "CPA", name: "Cathay Pacific", telephony: "Cathay"),
        Airline(iata: "DL", icao: "DAL", name: "Delta Air Lines", telephony: "Delta"),
        Airline(iata: "EI", icao: "EIN", name: "Aer Lingus", telephony: "Shamrock"),
        Airline(iata: "EK", icao: "UAE", name: "Emirates", telephony: "Emirates"),
        Airline(iata: "ET", icao: "ETH", name: "Ethiopian Airlines", telephony: "Ethiopian"),
        Airline(iata: "EY", icao: "ETD", name: "Etihad Airways", telephony: "Etihad"),
        Airline(iata: "F9", icao: "FFT", name: "Frontier Airlines", telephony: "Frontier Flight"),
        Airline(iata: "FR", icao: "RYR", name: "Ryanair", telephony: "Ryanair"),
        Airline(iata: "FX", icao: "FDX", name: "FedEx Express", telephony: "FedEx"),
        Airline(iata: "G3", icao: "GLO", name: "Gol", telephony: "Gol Transporte"),
        Airline(iata: "HA", icao: "HAL", name: "Hawaiian Airlines", telephony: "Hawaiian"),
        Airline(iata: "IB", icao: "IBE", name: "Iberia", telephony: "Iberia"),
        Airline(iata: "JL", icao: "JAL", name: "Japan Airlines", telephony: "Japanair"),
        Airline(iata: "KE", icao: "KAL", name: "Korean Air", telephony: "Koreanair"),
        Airline(iata: "KL", icao: "KLM", name: "KLM Royal Dutch Airlines", telephony: "KLM"),
        Airline(iata: "LA", icao: "LAN", name: "LATAM Airlines", telephony: "LAN Chile"),
        Airline(iata: "LH", icao: "DLH", name: "Lufthansa", telephony: "Lufthansa"),
        Airline(iata: "LX", icao: "SWR", name: "Swiss", telephony: "Swiss"),
        Airline(iata: "MS", icao: "MSR", name: "EgyptAir", telephony: "Egyptair"),
        Airline(iata: "MU", icao: "CES", name: "China Eastern Airlines", telephony: "China Eastern"),
        Airline(iata: "NH", icao: "ANA", name: "All Nippon Airways", telephony: "All Nippon"),
        Airline(iata: "NK", icao: "NKS", name: "Spirit Airlines", telephony: "Spirit Wings"),
        Airline(iata: "NZ", icao: "ANZ", name: "Air New Zealand", telephony: "New Zealand"),
        Airline(iata: "OS", icao: "AUA", name: "Austrian Airlines", telephony: "Austrian"),
        Airline(iata: "QF", icao: "QFA", name: "Qantas", telephony: "Qantas"),
        Airline(iata: "QR", icao: "QTR", name: "Qatar Airways", telephony: "Qatari"),
        Airline(iata: "SA", icao: "SAA", name: "South African Airways", telephony: "Springbok"),
        Airline(iata: "SK", icao: "SAS", name: "Scandinavian Airlines", telephony: "Scandinavian"),
        Airline(iata: "SQ", icao: "SIA", name: "Singapore Airlines", telephony: "Singapore"),
        Airline(iata: "SV", icao: "SVA", name: "Saudia", telephony: "Saudia"),
        Airline(iata: "TK", icao: "THY", name: "Turkish Airlines", telephony: "Turkish"),
        Airline(iata: "TP", icao: "TAP", name: "TAP Air Portugal", telephony: "Air Portugal"),
        Airline(iata: "U2", icao: "EZY", name: "easyJet", telephony: "Easy"),
        Airline(iata: "UA", icao: "UAL", name: "United Airlines", telephony: "United"),
        Airline(iata: "5X", icao: "UPS", name: "UPS Airlines", telephony: "UPS"),
        Airline(iata: "UX", icao: "AEA", name: "Air Europa", telephony: "Europa"),
        Airline(iata: "VA", icao: "VOZ", name: "Virgin Australia", telephony: "Velocity"),
        Airline(iata: "VS", icao: "VIR", name: "Virgin Atlantic Airways", telephony: "Virgin"),
        Airline(iata: "VY", icao: "VLG", name: "Vueling", telephony: "Vueling"),
        Airline(iata: "W6", icao: "WZZ", name: "Wizz Air", telephony: "Wizz Air"),
        Airline(iata: "WN", icao: "SWA", name: "Southwest Airlines", telephony: "Southwest"),
        Airline(iata: "WS", icao: "WJA", name: "WestJet", telephony: "WestJet"),
        Airline(iata: "9W", icao: "JAI", name: "Jet Airways", telephony: "Jet Airways"),
        Airline(iata: "MH", icao: "MAS", name: "Malaysia Airlines", telephony: "Malaysian"),
        Airline(iata: "GA", icao: "GIA", name: "Garuda Indonesia", telephony: "Indonesia"),
        Airline(iata: "TG", icao: "THA", name: "Thai Airways", telephony: "Thai"),
        Airline(iata: "KQ", icao: "KQA", name: "Kenya Airways", telephony: "Kenya"),
        Airline(iata: "LO", icao: "LOT", name: "LOT Polish Airlines", telephony: "Pollot"),
        Airline(iata: "SN", icao: "BEL", name: "Brussels Airlines", telephony: "Beeline"),
        Airline(iata: "AM", icao: "AMX", name: "Aeromexico", telephony: "Aeromexico"),
        Airline(iata: "CM", icao: "CMP", name: "Copa Airlines", telephony: "Copa"),
        Airline(iata: "AV", icao: "AVA", name: "Avianca", telephony: "Avianca"),
        Airline(iata: "EW", icao: "EWG", name: "Eurowings", telephony: "Eurowings"),
        Airline(iata: "DY", icao: "NOZ", name: "Norwegian", telephony: "Nordic"),
        Airline(iata: "3U", icao: "CSC", name: "Sichuan Airlines", telephony: "Sichuan"),
        Airline(iata: "CZ", icao: "CSN", name: "China Southern Airlines", telephony: "China Southern"),
        Airline(iata: "HU", icao: "CHH", name: "Hainan Airlines", telephony: "Hainan"),
        Airline(iata: "OZ", icao: "AAR", name: "Asiana Airlines", telephony: "Asiana"),
        Airline(iata: "PR", icao: "PAL", name: "Philippine Airlines", telephony: "Philippine"),
        Airline(iata: "5J", icao: "CEB", name: "Cebu Pacific", telephony: "Cebu"),
        Airline(iata: "6E", icao: "IGO", name: "IndiGo", telephony: "Ifly"),
        Airline(iata: "WY", icao: "OMA", name: "Oman Air", telephony: "Khanjar"),
        Airline(iata: "GF", icao: "GFA", name: "Gulf Air", telephony: "Gulf Air"),
        Airline(iata: "RJ", icao: "RJA", name: "Royal Jordanian", telephony: "Jordanian"),
        Airline(iata: "AT", icao: "RAM", name: "Royal Air Maroc", telephony: "Royalair Maroc"),
        Airline(iata: "YX", icao: "RPA", name: "Republic Airways", telephony: "Brickyard"),
        Airline(iata: "OO", icao: "SKW", name: "SkyWest Airlines", telephony: "Skywest"),
        Airline(iata: "MQ", icao: "ENY", name: "Envoy Air", telephony: "Envoy"),
        Airline(iata: "9E", icao: "EDV", name: "Endeavor Air", telephony: "Endeavor"),
        Airline(iata: "QX", icao: "QXE", name: "Horizon Air", telephony: "Horizon"),
        Airline(iata: "G4", icao: "AAY", name: "Allegiant Air", telephony: "Allegiant"),
        Airline(iata: "SY", icao: "SCX", name: "Sun Country Airlines", telephony: "Sun Country")
    ])
}

import Foundation
