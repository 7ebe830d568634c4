/// One entry of a detailed flight plan: a fix, or a procedure whose `children` are its fixes.
public struct FlightPlanItem: Sendable, Hashable, Codable {
    /// Waypoint or procedure name.
    public var name: String
    /// Procedure type (0 SID, 1 STAR, 2 approach, 3 track, 5 unknown); meaningful only when
    /// `children` is present.
    public var type: Int
    /// The fixes of a procedure; `null` for a plain fix / VOR / user waypoint.
    public var children: [FlightPlanItem]?
    /// Not unique; may be `null`.
    public var identifier: String?
    /// Feet; -1 when the user set none.
    public var altitude: Int
    public var location: Coordinate

    public init(
        name: String, type: Int, children: [FlightPlanItem]?, identifier: String?,
        altitude: Int, location: Coordinate
    ) {
        self.name = name
        self.type = type
        self.children = children
        self.identifier = identifier
        self.altitude = altitude
        self.location = location
    }

    /// Whether this item is a procedure (it has children).
    public var isProcedure: Bool { !(children ?? []).isEmpty }

    // MARK: - Encoding (nulls written, as the API does)

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(type, forKey: .type)
        try c.encode(children, forKey: .children)
        try c.encode(identifier, forKey: .identifier)
        try c.encode(altitude, forKey: .altitude)
        try c.encode(location, forKey: .location)
    }
}
