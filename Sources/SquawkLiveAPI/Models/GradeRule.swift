/// One requirement of a grade and the user's value for it.
public struct GradeRule: Sendable, Hashable, Codable {
    /// Index of the rule within its grade's `rules`.
    public var ruleIndex: Int
    /// The required value.
    public var referenceValue: Double
    public var userValue: Double
    /// 0 fail, 1 OK, 2 warning.
    public var state: Int
    /// `userValue`, formatted for display (the sample elides these; optional to be safe).
    public var userValueString: String?
    /// `referenceValue`, formatted for display.
    public var referenceValueString: String?
    public var definition: GradeRuleDefinition?

    public init(
        ruleIndex: Int, referenceValue: Double, userValue: Double, state: Int,
        userValueString: String?, referenceValueString: String?, definition: GradeRuleDefinition?
    ) {
        self.ruleIndex = ruleIndex
        self.referenceValue = referenceValue
        self.userValue = userValue
        self.state = state
        self.userValueString = userValueString
        self.referenceValueString = referenceValueString
        self.definition = definition
    }

    // MARK: - Encoding (nulls written, as the API does)

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ruleIndex, forKey: .ruleIndex)
        try c.encode(referenceValue, forKey: .referenceValue)
        try c.encode(userValue, forKey: .userValue)
        try c.encode(state, forKey: .state)
        try c.encode(userValueString, forKey: .userValueString)
        try c.encode(referenceValueString, forKey: .referenceValueString)
        try c.encode(definition, forKey: .definition)
    }
}
