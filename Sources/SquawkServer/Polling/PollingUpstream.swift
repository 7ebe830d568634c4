import Foundation
import SquawkCore
import SquawkLiveAPI

/// What the poller needs from the Live API, in the core's types. ``LiveAPIClient`` is the real
/// one (against the Infinite Flight API or the built-in simulator); tests script their own.
public protocol PollingUpstream: Sendable {
    /// The servers (sessions) online.
    func servers() async throws -> [ServerRef]
    func flightSamples(server: String) async throws -> [FlightSample]
    func frequencies(server: String) async throws -> [ATCFrequency]
    /// The flight's plan, or nil when it has none (or is gone).
    func planSummary(server: String, flight: String) async throws -> FlightPlanSummary?
    /// The ATIS text, or nil when none is available.
    func atisText(server: String, airport: String) async throws -> String?
    /// Names of aircraft and liveries by id.
    func aircraftNames() async throws -> AircraftNames
}

/// The upstream refused for the budget (HTTP 429); wait at least `retryAfter` when given.
public struct UpstreamRateLimited: Error, Sendable {
    public var retryAfter: Duration?
    public init(retryAfter: Duration?) { self.retryAfter = retryAfter }
}

extension LiveAPIClient: PollingUpstream {
    public func servers() async throws -> [ServerRef] {
        try await mapped { try await self.sessions().map(\.serverRef) }
    }

    public func flightSamples(server: String) async throws -> [FlightSample] {
        try await mapped { try await self.flights(session: server).map(\.sample) }
    }

    public func frequencies(server: String) async throws -> [ATCFrequency] {
        try await mapped { try await self.atc(session: server).map(\.frequency) }
    }

    public func planSummary(server: String, flight: String) async throws -> FlightPlanSummary? {
        do {
            return try await mapped { try await self.flightPlan(session: server, flight: flight).summary() }
        } catch let error as LiveAPIError where error.code == .flightNotFound {
            return nil
        }
    }

    public func atisText(server: String, airport: String) async throws -> String? {
        try await mapped { try await self.atis(session: server, airport: airport) }
    }

    public func aircraftNames() async throws -> AircraftNames {
        try await mapped {
            AircraftNames(liveries: try await self.allLiveries().map { ($0.id, $0.aircraftID, $0.aircraftName, $0.liveryName) })
        }
    }

    /// Turns the client's 429 into ``UpstreamRateLimited``; other errors pass through.
    private func mapped<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as LiveAPIError {
            if case .rateLimited(let retryAfter) = error.code { throw UpstreamRateLimited(retryAfter: retryAfter) }
            throw error
        }
    }
}
