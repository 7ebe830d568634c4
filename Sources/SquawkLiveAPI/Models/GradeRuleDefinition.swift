/// What a grade rule measures and how it compares.
public struct GradeRuleDefinition: Sendable, Hashable, Codable {
    public var name: String
    /// Free text; optional because the sample elides it and it may be empty or `null`.
    public var description: String?
    /// The ``GradeInfo`` property the rule relates to.
    public var property: String
    /// 0 >, 1 <, 2 ≥, 3 ≤, 4 =, 5 ≠.
    public var `operator`: Int
    /// Time period (days) in which the rule must be met; 0 for all time.
    public var period: Double
    /// Order within a grade's rules.
    public var order: Int
    /// Not in use by the API; optional so its absence breaks nothing.
    public var group: Int?

    public init(name: String, description: String?, property: String, operator: Int, period: Double, order: Int, group: Int?) {
        self.name = name
        self.description = description
        self.property = property
        self.operator = `operator`
        self.period = period
        self.order = order
        self.group = group
    }

    // MARK: - Encoding (nulls written, as the API does)

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(description, forKey: .description)
        try c.encode(property, forKey: .property)
        try c.encode(`operator`, forKey: .operator)
        try c.encode(period, forKey: .period)
        try c.encode(order, forKey: .order)
        try c.encode(group, forKey: .group)
    }
}
