import SquawkCore

/// A flight as the latest poll saw it, for routes that answer from live data (FLIFO).
public struct LiveFlightView: Sendable, Hashable {
    public var server: ServerRef
    public var flight: FlightSample
    public var plan: FlightPlanSummary?
    /// `true` in the air, `false` on the ground, `nil` when not yet known.
    public var airborne: Bool?

    public init(server: ServerRef, flight: FlightSample, plan: FlightPlanSummary? = nil, airborne: Bool? = nil) {
        self.server = server
        self.flight = flight
        self.plan = plan
        self.airborne = airborne
    }
}

/// Read access to the poller's latest snapshots. Memory only (the Live API's data is never stored).
public protocol LiveFlightDirectory: Sendable {
    /// Every flight of the latest snapshots, or `nil` when no snapshot has been taken yet.
    func latestFlights() async -> [LiveFlightView]?
}

/// The directory before the poller has run: no data.
public struct EmptyFlightDirectory: LiveFlightDirectory {
    public init() {}
    public func latestFlights() async -> [LiveFlightView]? { nil }
}

/// A fixed list of flights (tests, replay).
public struct StaticFlightDirectory: LiveFlightDirectory {
    public var flights: [LiveFlightView]
    public init(_ flights: [LiveFlightView]) { self.flights = flights }
    public func latestFlights() async -> [LiveFlightView]? { flights }
}
