import Foundation

/// Where the poller keeps its small derived state between runs: the diff engine's per-server
/// state (phases, sequences, open frequencies; never raw snapshots — ../shared/FACTS.md), so a
/// restart neither re-emits old events nor loses flights in progress.
///
/// Saving after the events are enqueued is enough: a crash in between replays the same
/// snapshot history into the same deterministic event ids, which the outbox skips.
public protocol PollerStateStore: Sendable {
    /// Every saved state by key (e.g. `diff/<server id>`).
    func loadPollerStates() async throws -> [String: Data]
    /// Replaces the state under `key`.
    func savePollerState(key: String, value: Data, at: Date) async throws
}
