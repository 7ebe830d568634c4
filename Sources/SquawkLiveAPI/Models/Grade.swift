/// One grade of the grade table and how the user stands against each of its rules.
public struct Grade: Sendable, Hashable, Codable {
    public var rules: [GradeRule]
    /// Index of this grade in ``GradeConfiguration/grades``.
    public var index: Int
    public var name: String
    /// 0 fail, 1 OK, 2 warning.
    public var state: Int

    public init(rules: [GradeRule], index: Int, name: String, state: Int) {
        self.rules = rules
        self.index = index
        self.name = name
        self.state = state
    }
}
