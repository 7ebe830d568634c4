/// One user's statistics, from `POST /public/v2/users`.
public struct UserStats: Sendable, Hashable, Codable {
    public var userId: String
    /// `null` when not set.
    public var virtualOrganization: String?
    /// Forum username; `null` when the account is not linked.
    public var discourseUsername: String?
    /// Deprecated by the API ("will be removed"): optional so its removal breaks nothing.
    public var groups: [String]?
    /// Role ids (1 staff, 2 moderator, 64 IFATC, …).
    public var roles: [Int]
    /// Per-user status; not in use by the API.
    public var errorCode: Int
    public var onlineFlights: Int
    public var violations: Int
    public var violationCountByLevel: ViolationCountByLevel
    public var xp: Double
    public var landingCount: Int
    /// Minutes.
    public var flightTime: Double
    public var atcOperations: Int
    /// IFATC rank (0 observer … 7 manager); `null` for non-controllers.
    public var atcRank: Int?
    /// 1 to 5.
    public var grade: Int
    /// Short-form user id shown in the app.
    public var hash: String

    public init(
        userId: String, virtualOrganization: String?, discourseUsername: String?, groups: [String]?,
        roles: [Int], errorCode: Int = 0, onlineFlights: Int, violations: Int,
        violationCountByLevel: ViolationCountByLevel, xp: Double, landingCount: Int,
        flightTime: Double, atcOperations: Int, atcRank: Int?, grade: Int, hash: String
    ) {
        self.userId = userId
        self.virtualOrganization = virtualOrganization
        self.discourseUsername = discourseUsername
        self.groups = groups
        self.roles = roles
        self.errorCode = errorCode
        self.onlineFlights = onlineFlights
        self.violations = violations
        self.violationCountByLevel = violationCountByLevel
        self.xp = xp
        self.landingCount = landingCount
        self.flightTime = flightTime
        self.atcOperations = atcOperations
        self.atcRank = atcRank
        self.grade = grade
        self.hash = hash
    }

    // MARK: - Encoding (nulls written, as the API does)

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(userId, forKey: .userId)
        try c.encode(virtualOrganization, forKey: .virtualOrganization)
        try c.encode(discourseUsername, forKey: .discourseUsername)
        try c.encode(groups, forKey: .groups)
        try c.encode(roles, forKey: .roles)
        try c.encode(errorCode, forKey: .errorCode)
        try c.encode(onlineFlights, forKey: .onlineFlights)
        try c.encode(violations, forKey: .violations)
        try c.encode(violationCountByLevel, forKey: .violationCountByLevel)
        try c.encode(xp, forKey: .xp)
        try c.encode(landingCount, forKey: .landingCount)
        try c.encode(flightTime, forKey: .flightTime)
        try c.encode(atcOperations, forKey: .atcOperations)
        try c.encode(atcRank, forKey: .atcRank)
        try c.encode(grade, forKey: .grade)
        try c.encode(hash, forKey: .hash)
    }
}
