/// Where a flight is in its life, as the differ detects it from samples.
public enum DetectedPhase: String, Sendable, Hashable, Codable, CaseIterable {
    /// On the ground, not moving.
    case parked
    /// On the ground, moving (taxi or takeoff roll).
    case taxiing
    /// In the air.
    case airborne
    /// Touched down and still fast: the landing is seen, whether it is a full stop or a
    /// touch-and-go is not yet (the `flight.landing` event waits for the next sample).
    case landed

    /// Whether this phase counts as in the air (for `airborne` flags in events).
    var isAirborne: Bool { self == .airborne }
    /// Whether this phase is on the ground before a takeoff.
    var isOnGround: Bool { self == .parked || self == .taxiing }
}
