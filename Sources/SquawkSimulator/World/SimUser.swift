import Foundation

// MARK: - SimUser

/// A pilot or controller account. Its statistics derive from a hash of the id (nothing stored
/// beyond what the world itself produced: logbook entries of flights and ATC sessions flown here).
struct SimUser: Sendable {
    /// A flight the user completed in this world (for `/users/{id}/flights`).
    struct LoggedFlight: Sendable {
        var id: String
        var created: Date
        var aircraftId: String
        var liveryId: String
        var callsign: String
        var server: String
        var minutes: Double
        var landings: Int
        var origin: String?
        var destination: String?
    }

    /// An ATC session the user held in this world (for `/users/{id}/atc`).
    struct LoggedATC: Sendable {
        var id: String
        var groupId: String
        var facilityId: String
        var airport: String?
        var latitude: Double
        var longitude: Double
        var type: Int
        var created: Date
        var updated: Date
        var operations: Int
    }

    var id: String
    var username: String?
    var virtualOrganization: String?
    var isController: Bool
    var flights: [LoggedFlight] = []
    var atcSessions: [LoggedATC] = []

    /// Eight upper-case hex digits, stable for the id.
    var hash: String {
        let h = SimRandom.stableHash("hash:\(id)") & 0xFFFF_FFFF
        let hex = String(h, radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// A generator of the user's synthetic statistics (same numbers on every call).
    var statsRandom: SimRandom { SimRandom(seed: SimRandom.stableHash("stats:\(id)")) }
}
