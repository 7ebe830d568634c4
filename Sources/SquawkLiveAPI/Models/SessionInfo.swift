/// One Live API session (an Infinite Flight server), from `GET /public/v2/sessions`.
public struct SessionInfo: Sendable, Hashable, Codable {
    /// Session id; the `{sessionId}` of the per-server endpoints.
    public var id: String
    public var name: String
    public var maxUsers: Int
    public var userCount: Int
    /// 0 unrestricted, 1 restricted.
    public var type: Int

    public init(id: String, name: String, maxUsers: Int, userCount: Int, type: Int) {
        self.id = id
        self.name = name
        self.maxUsers = maxUsers
        self.userCount = userCount
        self.type = type
    }
}
