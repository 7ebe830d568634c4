// MARK: - FlightPhase

/// Where a simulated aircraft is in its life on the server.
///
/// | phase | reported ground speed | altitude |
/// |---|---|---|
/// | parked / arrived | 0 | field elevation + gear height (0–10 ft) |
/// | taxiOut / taxiIn | 5–25 kt | same |
/// | takeoffRoll | 0 → rotate speed (2–4 kt/s) | same |
/// | climb | → cruise | +1,500–3,000 ft/min (less above FL180) |
/// | cruise | cruise ± noise | cruise level ± ~20 ft |
/// | descent | → 250 kt below 10,000 ft AGL | 3° path to the runway |
/// | approach | → approach speed | glide path, flare to −60…−700 ft/min |
/// | touchAndGo | ground roll of 25–45 s (so a 15 s poller sees it on the ground at least once) | field elevation + gear |
/// | rollout | −3.5 kt/s to 20 kt | field elevation + gear |
///
/// Every landing is followed by at least a 20 s rollout, a taxi and a 20–300 s stay parked before
/// the flight leaves, so it is seen slow on the ground; disconnects happen only in climb,
/// cruise or descent (never on approach), and are never landings.
enum FlightPhase: String, Sendable {
    case parked, taxiOut, takeoffRoll, climb, cruise, descent, approach, touchAndGo, rollout, taxiIn, arrived

    /// Wheels off the ground.
    var isAirborne: Bool {
        switch self {
        case .climb, .cruise, .descent, .approach: true
        default: false
        }
    }
}
