import Foundation
import SquawkFLS

/// What ``FLSPoller`` needs of an FLS server: the same seam ``PollingUpstream`` is for the
/// Live API, so the poller's budget, seeding and error handling can be tested against a scripted
/// server. ``FLSClient`` is the real one.
public protocol FLSUpstream: Sendable {
    /// Whether the next data request needs a token first (each token request costs budget).
    var needsToken: Bool { get }
    /// Gets a token when none is held or it is about to expire; returns whether a request was sent.
    @discardableResult
    func authenticateIfNeeded() async throws(FLSError) -> Bool
    /// The records changed since `since`, and the server's clock when it answered.
    func modifiedFlights(since: Date) async throws(FLSError) -> (flights: [FLSFlightDetails], serverDate: Date?)
    /// One record by id.
    func flight(id: String) async throws(FLSError) -> FLSFlightDetails
}

extension FLSClient: FLSUpstream {}
