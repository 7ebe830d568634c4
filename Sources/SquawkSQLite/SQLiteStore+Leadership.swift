import Foundation
import SquawkStore

// MARK: - LeaderElection, StoreLifecycle

/// A SQLite database belongs to one process (one writer, a file on one machine), so that
/// process is always the leader and there is nothing to start or stop around its use.
extension SQLiteStore: LeaderElection, StoreLifecycle {
    public func acquireLeadership(_ name: String, holder: String, now: Date, lease: Duration) async throws -> Bool { true }

    public func releaseLeadership(_ name: String, holder: String) async throws {}

    public func withRunning<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T { try await body() }
}
