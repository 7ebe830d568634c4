import Foundation

/// A user's full grade table and statistics, from `GET /public/v2/users/{userId}`.
public struct GradeInfo: Sendable, Hashable, Codable {
    public var userId: String
    /// `null` when not set.
    public var virtualOrganization: String?
    /// Forum username; `null` when the account is not linked.
    public var discourseUsername: String?
    /// Deprecated by the API ("will be removed soon"): optional so its removal breaks nothing.
    public var groups: [String]?
    public var roles: [Int]
    /// Per-user status; not in use by the API.
    public var errorCode: Int
    public var gradeDetails: GradeConfiguration
    public var violationCountByLevel: ViolationCountByLevel
    public var totalXP: Double
    public var atcOperations: Int
    /// IFATC rank; `null` for non-controllers.
    public var atcRank: Int?
    public var total12MonthsViolations: Int
    public var lastLevel1ViolationDate: Date
    /// `0001-01-01T00:00:00` when the user has no report.
    public var lastReportViolationDate: Date

    public init(
        userId: String, virtualOrganization: String?, discourseUsername: String?, groups: [String]?,
        roles: [Int], errorCode: Int = 0, gradeDetails: GradeConfiguration,
        violationCountByLevel: ViolationCountByLevel, totalXP: Double, atcOperations: Int,
        atcRank: Int?, total12MonthsViolations: Int, lastLevel1ViolationDate: Date,
        lastReportViolationDate: Date
    ) {
        self.userId = userId
        self.virtualOrganization = virtualOrganization
        self.discourseUsername = discourseUsername
        self.groups = groups
        self.roles = roles
        self.errorCode = errorCode
        self.gradeDetails = gradeDetails
        self.violationCountByLevel = violationCountByLevel
        self.totalXP = totalXP
        self.atcOperations = atcOperations
        self.atcRank = atcRank
        self.total12MonthsViolations = total12MonthsViolations
        self.lastLevel1ViolationDate = lastLevel1ViolationDate
        self.lastReportViolationDate = lastReportViolationDate
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
        try c.encode(gradeDetails, forKey: .gradeDetails)
        try c.encode(violationCountByLevel, forKey: .violationCountByLevel)
        try c.encode(totalXP, forKey: .totalXP)
        try c.encode(atcOperations, forKey: .atcOperations)
        try c.encode(atcRank, forKey: .atcRank)
        try c.encode(total12MonthsViolations, forKey: .total12MonthsViolations)
        try c.encode(lastLevel1ViolationDate, forKey: .lastLevel1ViolationDate)
        try c.encode(lastReportViolationDate, forKey: .lastReportViolationDate)
    }
}
