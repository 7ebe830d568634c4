/// `GET api/v1/flights/{flightId}` → FlightDetails (seed 003): one logged flight with up to three
/// legs. An aero-tow has a glider and a tow leg (they take off together and land apart); a winch
/// or self-launch has a glider leg; a motor flight has a motor leg.
///
/// Every field is optional: FLS leaves out or nulls what was not logged. Decoding and
/// re-encoding keeps every field of the seed's sample (tested key by key).
public struct FLSFlightDetails: Sendable, Hashable, Codable {
    public var flightId: String?
    public var startType: FLSStartType?
    public var flightDate: FLSDateTime?
    public var glider: FLSLeg?
    public var tow: FLSLeg?
    public var motor: FLSLeg?
    public var id: String?
    public var canUpdateRecord: Bool?
    public var canDeleteRecord: Bool?

    enum CodingKeys: String, CodingKey {
        case flightId = "FlightId", startType = "StartType", flightDate = "FlightDate"
        case glider = "GliderFlightDetailsData", tow = "TowFlightDetailsData", motor = "MotorFlightDetailsData"
        case id = "Id", canUpdateRecord = "CanUpdateRecord", canDeleteRecord = "CanDeleteRecord"
    }

    public init(flightId: String?, startType: FLSStartType? = nil, flightDate: FLSDateTime? = nil, glider: FLSLeg? = nil,
                tow: FLSLeg? = nil, motor: FLSLeg? = nil) {
        self.flightId = flightId
        self.startType = startType
        self.flightDate = flightDate
        self.glider = glider
        self.tow = tow
        self.motor = motor
        self.id = flightId
        self.canUpdateRecord = true
        self.canDeleteRecord = true
    }

    /// The flight's id (`FlightId`, else `Id`), lower-cased.
    public var key: String? { (flightId ?? id)?.lowercased() }

    /// The legs present, in a fixed order.
    public var legs: [(kind: FLSLegKind, leg: FLSLeg)] {
        var out: [(FLSLegKind, FLSLeg)] = []
        if let glider { out.append((.glider, glider)) }
        if let tow { out.append((.tow, tow)) }
        if let motor { out.append((.motor, motor)) }
        return out
    }
}

/// Which part of a flight a leg is; events name it, and each is its own subject.
public enum FLSLegKind: String, Sendable, Hashable, Codable, CaseIterable {
    case glider, tow, motor
}

/// One leg's data (`GliderFlightDetailsData`, `TowFlightDetailsData`, `MotorFlightDetailsData`):
/// the fields all three share, plus the glider's and the motor flight's own.
public struct FLSLeg: Sendable, Hashable, Codable {
    // Shared by every leg.
    public var flightId: String?
    public var aircraftId: String?
    public var pilotPersonId: String?
    public var coPilotPersonId: String?
    public var instructorPersonId: String?
    public var observerPersonId: String?
    public var invoiceRecipientPersonId: String?
    public var engineStartOperatingCounterInSeconds: Int?
    public var engineEndOperatingCounterInSeconds: Int?
    public var flightComment: String?
    public var airStateId: FLSAirState?
    public var processStateId: FLSProcessState?
    public var flightTypeId: String?
    public var ldgDateTime: FLSDateTime?
    public var startDateTime: FLSDateTime?
    public var flightDuration: FLSTimeSpan?
    public var startLocationId: String?
    public var ldgLocationId: String?
    public var flightCostBalanceType: Int?
    public var nrOfLdgs: Int?
    public var isSoloFlight: Bool?
    public var outboundRoute: String?
    public var inboundRoute: String?
    public var noStartTimeInformation: Bool?
    public var noLdgTimeInformation: Bool?
    public var validationErrors: String?
    public var id: String?
    public var canUpdateRecord: Bool?
    public var canDeleteRecord: Bool?
    // Glider leg.
    public var couponNumber: String?
    public var winchOperatorPersonId: String?
    public var startPosition: Int?
    public var passengerPersonId: String?
    // Motor leg.
    public var blockStartDateTime: FLSDateTime?
    public var blockEndDateTime: FLSDateTime?
    public var passengerPersonIds: [String]?
    public var nrOfPassengers: Int?
    public var nrOfLdgsOnStartLocation: Int?

    enum CodingKeys: String, CodingKey {
        case flightId = "FlightId", aircraftId = "AircraftId", pilotPersonId = "PilotPersonId"
        case coPilotPersonId = "CoPilotPersonId", instructorPersonId = "InstructorPersonId"
        case observerPersonId = "ObserverPersonId", invoiceRecipientPersonId = "InvoiceRecipientPersonId"
        case engineStartOperatingCounterInSeconds = "EngineStartOperatingCounterInSeconds"
        case engineEndOperatingCounterInSeconds = "EngineEndOperatingCounterInSeconds"
        case flightComment = "FlightComment", airStateId = "AirStateId", processStateId = "ProcessStateId"
        case flightTypeId = "FlightTypeId", ldgDateTime = "LdgDateTime", startDateTime = "StartDateTime"
        case flightDuration = "FlightDuration", startLocationId = "StartLocationId", ldgLocationId = "LdgLocationId"
        case flightCostBalanceType = "FlightCostBalanceType", nrOfLdgs = "NrOfLdgs", isSoloFlight = "IsSoloFlight"
        case outboundRoute = "OutboundRoute", inboundRoute = "InboundRoute"
        case noStartTimeInformation = "NoStartTimeInformation", noLdgTimeInformation = "NoLdgTimeInformation"
        case validationErrors = "ValidationErrors", id = "Id", canUpdateRecord = "CanUpdateRecord", canDeleteRecord = "CanDeleteRecord"
        case couponNumber = "CouponNumber", winchOperatorPersonId = "WinchOperatorPersonId", startPosition = "StartPosition"
        case passengerPersonId = "PassengerPersonId"
        case blockStartDateTime = "BlockStartDateTime", blockEndDateTime = "BlockEndDateTime"
        case passengerPersonIds = "PassengerPersonIds", nrOfPassengers = "NrOfPassengers"
        case nrOfLdgsOnStartLocation = "NrOfLdgsOnStartLocation"
    }

    public init(flightId: String? = nil) {
        self.flightId = flightId
        self.id = flightId
    }
}
