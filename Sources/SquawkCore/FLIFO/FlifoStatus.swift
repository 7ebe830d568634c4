/// The `status` codes (and their `statusText`) Squawk writes in FLIFO `flightRecord`s, on the
/// FLIFO route and in `flifo` notifications alike.
///
/// A FLIFO status says where the flight is in its life, not what just happened, and never
/// whether it is on time: Infinite Flight has no schedules, so the seed's `ON` / "On Time" is
/// never written. The seed shows only that one code; these follow its two-letter style, with
/// the plain English texts flight-information displays use.
///
/// | status | statusText | the flight is… |
/// | --- | --- | --- |
/// | `SC` | Scheduled | on the ground and has not departed (parked) |
/// | `TX` | Taxiing | on the ground, moving, not departed yet |
/// | `DP` | Departed | in the air |
/// | `AP` | Approaching | in the air, near its destination |
/// | `DV` | Diverted | in the air, bound for another destination than planned |
/// | `LD` | Landed | on the ground after a (full-stop) landing |
/// | `AR` | Arrived | done: landed and left (`flight.completed`) |
/// | `UN` | Unknown | gone from the Live API in the air: how it ended is not known |
public enum FlifoStatus: String, Sendable, Hashable, CaseIterable {
    case scheduled = "SC"
    case taxiing = "TX"
    case departed = "DP"
    case approaching = "AP"
    case diverted = "DV"
    case landed = "LD"
    case arrived = "AR"
    case unknown = "UN"

    /// The FLIFO `statusText`.
    public var text: String {
        switch self {
        case .scheduled: "Scheduled"
        case .taxiing: "Taxiing"
        case .departed: "Departed"
        case .approaching: "Approaching"
        case .diverted: "Diverted"
        case .landed: "Landed"
        case .arrived: "Arrived"
        case .unknown: "Unknown"
        }
    }
}
