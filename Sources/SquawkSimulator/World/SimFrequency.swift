import Foundation
import SquawkCore

// MARK: - SimFrequency

/// An open ATC frequency: who controls what, where, since when, and when it will close.
struct SimFrequency: Sendable {
    var frequencyId: String
    var userId: String
    var username: String?
    var virtualOrganization: String?
    /// ICAO; `nil` for a center frequency.
    var airport: String?
    var kind: FrequencyKind
    /// Raw Live API number for `kind` in the configured table.
    var type: Int
    var position: GeoPoint
    var openedTick: Int
    var closeTick: Int?
    /// Frequencies opened together by one controller share a group id.
    var groupId: String
    var scripted: Bool

    /// The SquawkCore value.
    func value(start: Date) -> ATCFrequency {
        ATCFrequency(frequencyId: frequencyId, userId: userId, username: username, airportICAO: airport, type: type,
                     latitude: position.lat, longitude: position.lon,
                     startTime: start.addingTimeInterval(Double(openedTick)))
    }
}

// MARK: - AtisState

/// The ATIS of one airport on one server: available while any ATC frequency is open there; its
/// letter advances every 30–60 minutes.
struct AtisState: Sendable {
    var icao: String
    var letter: Int
    var nextChangeTick: Int
    var text: String
}
