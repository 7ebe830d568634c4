/// The full grade table of a user (`gradeDetails` of ``GradeInfo``).
public struct GradeConfiguration: Sendable, Hashable, Codable {
    /// Every grade, each with the rules to meet it.
    public var grades: [Grade]
    /// Index into `grades` of the grade the user holds.
    public var gradeIndex: Int
    /// The rules the grades refer to.
    public var ruleDefinitions: [GradeRuleDefinition]

    public init(grades: [Grade], gradeIndex: Int, ruleDefinitions: [GradeRuleDefinition]) {
        self.grades = grades
        self.gradeIndex = gradeIndex
        self.ruleDefinitions = ruleDefinitions
    }
}
