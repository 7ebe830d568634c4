import Foundation
import NIOConcurrencyHelpers
import SquawkCore

/// An upstream known only once something has started (the embedded simulator binds port 0 and
/// names its URL when it listens). Calls made before then wait for it, up to `patience`.
public final class LateUpstream: PollingUpstream, Sendable {
    private let box = NIOLockedValueBox<(any PollingUpstream)?>(nil)
    let patience: Duration

    public init(patience: Duration = .seconds(30)) { self.patience = patience }

    public func set(_ upstream: any PollingUpstream) { box.withLockedValue { $0 = upstream } }

    struct NotReady: Error, CustomStringConvertible { var description: String { "the upstream did not start" } }

    func resolved() async throws -> any PollingUpstream {
        let deadline = ContinuousClock.now + patience
        while ContinuousClock.now < deadline {
            if let u = box.withLockedValue({ $0 }) { return u }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw NotReady()
    }

    public func servers() async throws -> [ServerRef] { try await resolved().servers() }
    public func flightSamples(server: String) async throws -> [FlightSample] { try await resolved().flightSamples(server: server) }
    public func frequencies(server: String) async throws -> [ATCFrequency] { try await resolved().frequencies(server: server) }
    public func planSummary(server: String, flight: String) async throws -> FlightPlanSummary? {
        try await resolved().planSummary(server: server, flight: flight)
    }
    public func atisText(server: String, airport: String) async throws -> String? { try await resolved().atisText(server: server, airport: airport) }
    public func aircraftNames() async throws -> AircraftNames { try await resolved().aircraftNames() }
}
