import Foundation

/// The detailed flight plan of an active flight, from `GET …/flights/{flightId}/flightplan`.
public struct FlightPlanInfo: Sendable, Hashable, Codable {
    public var flightPlanId: String
    public var flightId: String
    /// Deprecated by the API: names only. Optional so its removal breaks nothing.
    public var waypoints: [String]?
    /// e.g. `2021-01-06 15:35:04Z`.
    public var lastUpdate: Date
    public var flightPlanItems: [FlightPlanItem]

    public init(flightPlanId: String, flightId: String, waypoints: [String]?, lastUpdate: Date, flightPlanItems: [FlightPlanItem]) {
        self.flightPlanId = flightPlanId
        self.flightId = flightId
        self.waypoints = waypoints
        self.lastUpdate = lastUpdate
        self.flightPlanItems = flightPlanItems
    }

    // MARK: - Encoding (nulls written, as the API does)

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(flightPlanId, forKey: .flightPlanId)
        try c.encode(flightId, forKey: .flightId)
        try c.encode(waypoints, forKey: .waypoints)
        try c.encode(lastUpdate, forKey: .lastUpdate)
        try c.encode(flightPlanItems, forKey: .flightPlanItems)
    }
}

/// The flight-plan endpoint's `result`: the sample sends one object, the doc table an array.
/// Both decode; an array yields its first plan (and an empty array none).
struct FlightPlanResult: Decodable, Sendable {
    var plan: FlightPlanInfo?

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let many = try? c.decode([FlightPlanInfo].self) {
            plan = many.first
        } else {
            plan = try c.decode(FlightPlanInfo.self)
        }
    }
}
