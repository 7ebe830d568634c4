import Foundation
import Synchronization
import SquawkCore
import SquawkStore

/// Subscriptions recently read by id, with their secrets' dates, so that `GET
/// /v1/subscriptions/{id}` and the routes that load a subscription first answer without a trip
/// to a reader connection (the thread hand-offs of that trip, not SQLite, were most of a read's
/// cost). Every write of this store that changes a subscription or its secrets removes it after
/// the write commits; a read that began before such a removal is not cached. Changes made by
/// another process on the same file (`squawk keys revoke`) are seen once an entry is
/// ``ttl`` old.
final class SubscriptionReadCache: Sendable {
    struct Entry: Sendable {
        var subscription: Subscription
        /// Every stored secret's dates, expired ones included (validity is decided at read time).
        var secrets: [SecretDates]
        var loaded: ContinuousClock.Instant
    }

    static let ttl: Duration = .seconds(2)
    static let limit = 20_000

    private struct State {
        var entries: [String: Entry] = [:]
        /// Moves on every removal, so a read that overlapped one is not cached.
        var generation: UInt64 = 0
    }
    private let state = Mutex(State())

    /// The cached entry of `id`, if it belongs to `owner` and is young enough.
    func entry(_ id: String, owner: String) -> Entry? {
        state.withLock { s in
            guard let e = s.entries[id], e.subscription.ownerKeyId == owner, ContinuousClock.now - e.loaded < Self.ttl else { return nil }
            return e
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
