import Foundation
import SquawkCore

/// Leadership of one job among the instances sharing a store (one poller per upstream for the
/// whole cluster, so the Live API budget holds for all instances together).
///
/// A leader holds a **lease**: a row naming the holder and the time it ends. The holder renews
/// it well before it ends; when the holder dies, the lease runs out and the next instance that
/// asks takes over. Time is the caller's (`now`), so instances' clocks must agree to well under
/// the lease (NTP does); the lease, not a lock held across network calls, is what protects the
/// job (DESIGN.md rule 6).
public protocol LeaderElection: Sendable {
    /// Takes or renews leadership of `name` for `holder` until `now + lease`: succeeds when nobody
    /// holds it, when `holder` already does, or when the current lease ended at or before `now`.
    /// Returns whether `holder` is the leader now.
    func acquireLeadership(_ name: String, holder: String, now: Date, lease: Duration) async throws -> Bool
    /// Gives leadership of `name` up if `holder` has it (graceful shutdown), so another instance
    /// need not wait for the lease to end.
    func releaseLeadership(_ name: String, holder: String) async throws
}

/// What a backend needs around its use: a connection pool that must run while it is used
/// (PostgreSQL), migrations applied before the first query.
public protocol StoreLifecycle: Sendable {
    /// Runs `body` while the store is usable: connections available, migrations applied.
    func withRunning<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T
}

/// Everything `squawk serve` needs of a store, whatever the backend.
public typealias StoreBackend = SubscriptionStore & APIKeyStore & DeliveryStore & PollerStateStore & LeaderElection & StoreLifecycle
    & SecretResealing

/// Re-encrypting the stored webhook secrets (`squawk secrets reseal`).
public protocol SecretResealing: Sendable {
    /// In one transaction: every stored secret is opened with the store's own key (plain ones as
    /// they are) and written sealed with `newSealer` (nil: plain). Returns how many were rewritten.
    func resealSecrets(with newSealer: SecretSealer?) async throws -> Int
}
