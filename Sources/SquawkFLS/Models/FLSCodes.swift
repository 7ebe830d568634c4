/// The integer codes FLS uses for states and launch methods (../shared/FACTS.md). Each is a
/// struct over its raw value rather than an enum: older and newer FLS servers use codes this
/// build does not know, and an unknown code must decode, compare and re-encode like any other
/// (its ``name`` is then `unknown`).
public protocol FLSCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible where RawValue == Int {
    init(rawValue: Int)
    /// Known codes and their names, as Squawk writes them in events.
    static var names: [Int: String] { get }
}

extension FLSCode {
    /// `started`, `aero_tow`, … or `unknown` for a code this build does not know.
    public var name: String { Self.names[rawValue] ?? "unknown" }
    public var isKnown: Bool { Self.names[rawValue] != nil }
    public var description: String { "\(name)(\(rawValue))" }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(Int.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// `AirStateId`, derived by FLS in this order: landing time → 20; no-landing-time flag and a
/// start time → 15; start time → 10; no-start-time flag → 8; plan open → 5; else 0. (8 and 15
/// exist only on newer servers.)
public struct FLSAirState: FLSCode {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let new = Self(rawValue: 0)
    public static let flightPlanOpen = Self(rawValue: 5)
    public static let mightBeStarted = Self(rawValue: 8)
    public static let started = Self(rawValue: 10)
    public static let mightBeLandedOrInAir = Self(rawValue: 15)
    public static let landed = Self(rawValue: 20)
    public static let flightPlanClosed = Self(rawValue: 25)

    public static let names: [Int: String] = [
        0: "new", 5: "flight_plan_open", 8: "might_be_started", 10: "started", 15: "might_be_landed_or_in_air",
        20: "landed", 25: "flight_plan_closed",
    ]
}

/// `ProcessStateId`, per leg: validation, locking and delivery to the club's accounting.
public struct FLSProcessState: FLSCode {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let notProcessed = Self(rawValue: 0)
    public static let invalid = Self(rawValue: 28)
    public static let valid = Self(rawValue: 30)
    public static let locked = Self(rawValue: 40)
    public static let deliveryPreparationError = Self(rawValue: 45)
    public static let deliveryPrepared = Self(rawValue: 50)
    public static let deliveryBooked = Self(rawValue: 60)
    public static let excluded = Self(rawValue: 99)

    public static let names: [Int: String] = [
        0: "not_processed", 28: "invalid", 30: "valid", 40: "locked", 45: "delivery_preparation_error",
        50: "delivery_prepared", 60: "delivery_booked", 99: "excluded",
    ]
}

/// `StartType`: how the glider got airborne.
public struct FLSStartType: FLSCode {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let aeroTow = Self(rawValue: 1)
    public static let winch = Self(rawValue: 2)
    public static let selfLaunch = Self(rawValue: 3)
    public static let external = Self(rawValue: 4)
    public static let motorFlight = Self(rawValue: 5)

    public static let names: [Int: String] = [1: "aero_tow", 2: "winch", 3: "self_launch", 4: "external", 5: "motor_flight"]

    /// "aero-tow", "winch launch", … for sentences.
    public var phrase: String {
        switch rawValue {
        case 1: "aero-tow"
        case 2: "winch launch"
        case 3: "self-launch"
        case 4: "external launch"
        case 5: "motor flight"
        default: "launch type \(rawValue)"
        }
    }
}
