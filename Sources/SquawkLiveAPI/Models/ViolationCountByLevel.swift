/// A user's violations split by level, as in user stats and the grade table.
public struct ViolationCountByLevel: Sendable, Hashable, Codable {
    public var level1: Int
    public var level2: Int
    public var level3: Int

    public init(level1: Int, level2: Int, level3: Int) {
        self.level1 = level1
        self.level2 = level2
        self.level3 = level3
    }
}
