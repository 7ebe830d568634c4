import Foundation
import SquawkCore

extension Snapshot {
    // MARK: - Building from Live API responses

    /// A snapshot of one session from its flights list (and ATC list, when polled this round).
    public init(
        session: SessionInfo, takenAt: Date, flights: [FlightEntry], atc: [ActiveATCFacility]? = nil,
        flightPlans: [String: FlightPlanSummary] = [:], atis: [String: String?] = [:]
    ) {
        self.init(
            server: session.serverRef, takenAt: takenAt, flights: flights.map(\.sample),
            atc: atc?.map(\.frequency), flightPlans: flightPlans, atis: atis)
    }
}
