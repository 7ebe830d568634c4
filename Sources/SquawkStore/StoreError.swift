/// A failure a store reports. `code` is stable; the HTTP layer maps it to a status in one place.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// No such row for this owner (other owners' rows are "not found" too).
        case notFound = "not_found"
        /// A unique constraint: e.g. an idempotency key reused with a different request.
        case conflict
        /// The backend refused a row that breaks a schema invariant (CHECK, NOT NULL…).
        case constraint
        /// The database is unavailable or failed.
        case unavailable
        /// A poller's commit named a lease it no longer holds (``PollCommit/Fence``): another
        /// instance polls now, and nothing was written.
        case notLeader = "not_leader"
    }
    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
