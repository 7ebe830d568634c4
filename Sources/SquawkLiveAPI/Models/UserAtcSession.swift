import Foundation

/// One ATC session of a user's log, from `GET /public/v2/users/{userId}/atc[/{atcSessionId}]`.
public struct UserAtcSession: Sendable, Hashable, Codable {
    public var id: String
    /// Groups the frequencies a controller opened together at one airport.
    public var atcSessionGroupId: String
    public var facility: ATCFacility
    /// When the frequency was opened, e.g. `2020-07-03T10:27:08.021137` (UTC).
    public var created: Date
    /// The last report received.
    public var updated: Date
    public var operations: Int
    /// Minutes.
    public var totalTime: Double

    public init(
        id: String, atcSessionGroupId: String, facility: ATCFacility, created: Date,
        updated: Date, operations: Int, totalTime: Double
    ) {
        self.id = id
        self.atcSessionGroupId = atcSessionGroupId
        self.facility = facility
        self.created = created
        self.updated = updated
        self.operations = operations
        self.totalTime = totalTime
    }
}
