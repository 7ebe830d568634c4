/// The body of `POST /public/v2/users`: up to 25 users, by any mix of id, forum name and hash.
///
/// The documentation's sample body ends with a trailing comma (invalid JSON); this type is
/// encoded by `JSONEncoder`, so what is sent is always valid. Empty lists are left out.
public struct UserStatsRequest: Sendable, Hashable, Codable {
    /// The API's limit on ids per request, all three lists together.
    public static let maxIds = 25

    public var userIds: [String]?
    /// Forum usernames; not case-sensitive.
    public var discourseNames: [String]?
    /// In-app user hashes; the API wants them upper-case, so ``init(userIds:discourseNames:userHashes:)``
    /// upper-cases them.
    public var userHashes: [String]?

    public init(userIds: [String] = [], discourseNames: [String] = [], userHashes: [String] = []) {
        self.userIds = userIds.isEmpty ? nil : userIds
        self.discourseNames = discourseNames.isEmpty ? nil : discourseNames
        self.userHashes = userHashes.isEmpty ? nil : userHashes.map { $0.uppercased() }
    }

    /// How many ids the request names, all lists together.
    public var count: Int {
        (userIds?.count ?? 0) + (discourseNames?.count ?? 0) + (userHashes?.count ?? 0)
    }
}
