import Foundation
import Synchronization
import SquawkCore
import SquawkStore

/// Subscriptions recently read by id, with their secrets' dates, so that `GET
/// /v1/subscriptions/{id}` and the routes that load a subscription first answer without a trip
/// to a reader connection (the thread hand-offs of that trip, not SQLite, were most of a read's
/// cost). Every write of this store that changes a subscription or its secrets removes it after
/// the write commits; a read that began before such a removal is not cached. Changes committed
/// through another connection to the same file (`squawk keys revoke` in another process) are
/// found by the writer connection's `PRAGMA data_version`, checked at most every
/// ``checkInterval`` before the cache is trusted; when it moved, everything is dropped.
final class SubscriptionReadCache: Sendable {
    struct Entry: Sendable {
        var subscription: Subscription
        /// Every stored secret's dates, expired ones included (validity is decided at read time).
        var secrets: [SecretDates]
    }

    /// How stale another process's change may be seen.
    static let checkInterval: Duration = .milliseconds(250)
    static let limit = 20_000

    private struct State {
        var entries: [String: Entry] = [:]
        /// Moves on every removal, so a read that overlapped one is not cached.
        var generation: UInt64 = 0
        /// The writer connection's last `PRAGMA data_version`, and when it was read.
        var dataVersion: Int?
        var checked: ContinuousClock.Instant?
        var checking = false
    }
    private let state = Mutex(State())

    /// The cached entry of `id`, if it belongs to `owner`.
    func entry(_ id: String, owner: String) -> Entry? {
        state.withLock { s in
            guard let e = s.entries[id], e.subscription.ownerKeyId == owner else { return nil }
            return e
        }
    }

    /// True when the caller must check the file for other connections' commits (then call
    /// ``checked(dataVersion:)``): the last check is older than ``checkInterval`` and none is
    /// running. Concurrent callers keep using the cache meanwhile.
    func checkDue(now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { s in
            guard !s.checking, s.checked.map({ now - $0 >= Self.checkInterval }) ?? true else { return false }
            s.checking = true
            return true
        }
    }

    /// Records a check; a `dataVersion` that moved (or a failed check, nil) drops every entry.
    func checked(dataVersion: Int?, now: ContinuousClock.Instant = .now) {
        state.withLock { s in
            if dataVersion == nil || (s.dataVersion != nil && s.dataVersion != dataVersion) {
                s.generation &+= 1
                s.entries.removeAll()
            }
            s.dataVersion = dataVersion
            s.checked = now
            s.checking = false
        }
    }

    /// The generation to pass to ``store(_:generation:)`` for a read that starts now.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Keeps `entry` unless something was removed since `generation` was read.
    func store(_ entry: Entry, generation: UInt64) {
        state.withLock { s in
            guard s.generation == generation else { return }
            if s.entries.count >= Self.limit { s.entries.removeAll(keepingCapacity: true) }
            s.entries[entry.subscription.id] = entry
        }
    }

    func remove(_ ids: some Sequence<String>) {
        state.withLock { s in
            s.generation &+= 1
            for id in ids { s.entries[id] = nil }
        }
    }

    func removeAll() {
        state.withLock { s in
            s.generation &+= 1
            s.entries.removeAll()
        }
    }
}
