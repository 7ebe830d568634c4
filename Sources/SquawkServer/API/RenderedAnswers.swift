import Foundation
import Hummingbird
import Synchronization
import SquawkStore

/// Answer bodies of `GET /v1/subscriptions` and `GET /v1/subscriptions/{id}`, kept with the
/// store's ``SubscriptionStore/readVersion()`` taken before they were read: while the version
/// is unchanged (nothing written, through any connection) and `now` is before the earliest
/// secret expiry the answer shows, the same bytes are the answer. Stores that cannot promise a
/// version (PostgreSQL with several instances) never fill it.
public final class RenderedAnswers: Sendable {
    enum Key: Hashable, Sendable {
        case detail(owner: String, id: String)
        case list(SubscriptionQuery)
    }

    struct Entry: Sendable {
        var version: UInt64
        /// The answer changes at this time (a secret it lists expires); nil: never by itself.
        var validUntil: Date?
        var body: ByteBuffer
    }

    /// Bounds the memory held: past either, everything is dropped and refilled by use.
    public static let defaultMaxBytes = 16 << 20
    static let maxEntries = 20_000

    private struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var hits = 0
    }
    private let state = Mutex(State())
    private let maxBytes: Int

    /// `maxBytes: 0` keeps nothing (every answer built afresh).
    public init(maxBytes: Int = RenderedAnswers.defaultMaxBytes) { self.maxBytes = maxBytes }

    /// The kept body of `key`, if it was read at `version` and is still valid at `now`.
    func body(_ key: Key, version: UInt64, now: Date) -> ByteBuffer? {
        state.withLock { s in
            guard let e = s.entries[key], e.version == version, e.validUntil.map({ now < $0 }) ?? true else { return nil }
            s.hits += 1
            return e.body
        }
    }

    func keep(_ key: Key, version: UInt64, validUntil: Date?, body: ByteBuffer) {
        guard body.readableBytes <= maxBytes else { return }
        state.withLock { s in
            if s.bytes + body.readableBytes > maxBytes || s.entries.count >= Self.maxEntries {
                s.entries.removeAll(keepingCapacity: true)
                s.bytes = 0
            }
            if let old = s.entries.updateValue(Entry(version: version, validUntil: validUntil, body: body), forKey: key) {
                s.bytes -= old.body.readableBytes
            }
            s.bytes += body.readableBytes
        }
    }

    /// Entries held and answers served from them (for tests).
    var count: Int { state.withLock { $0.entries.count } }
    var hits: Int { state.withLock { $0.hits } }
}
