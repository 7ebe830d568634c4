import Foundation
import NIOConcurrencyHelpers

/// Signed-in browsers. A session holds the API key it signed in with (in memory only, never
/// logged or sent back), so every console action is an API request made with that key.
/// Sessions end after ``idle`` without a request, after ``lifetime`` in any case, on sign-out,
/// and when the process restarts.
public final class ConsoleSessions: Sendable {
    public struct Session: Sendable {
        public let id: String
        /// Must come back with every form (`_csrf`).
        public let csrf: String
        let key: String
        public let admin: Bool
        /// Who is signed in, for the page header ("admin", or the key's prefix).
        public let label: String
        let created: Date
        var lastSeen: Date
        /// A one-time message for the next page (after a redirect).
        var flash: Flash?
        /// The admin's: the tenant whose subscriptions the console shows (nil: the admin's own).
        public internal(set) var tenant: Tenant?
    }

    public struct Tenant: Sendable {
        public var id: String
        public var name: String
    }

    public struct Flash: Sendable {
        public var text: String
        public var error: Bool
        /// Shown once and never again (a new secret or key).
        public var secret: String?
    }

    public let idle: TimeInterval
    public let lifetime: TimeInterval
    public static let limit = 10_000
    private let sessions = NIOLockedValueBox<[String: Session]>([:])

    public init(idle: TimeInterval = 30 * 60, lifetime: TimeInterval = 12 * 3600) {
        self.idle = idle
        self.lifetime = lifetime
    }

    public func create(key: String, admin: Bool, label: String, now: Date) -> Session {
        let session = Session(id: Self.token(), csrf: Self.token(), key: key, admin: admin, label: label, created: now, lastSeen: now)
        sessions.withLockedValue { all in
            if all.count >= Self.limit {
                // Full: the expired go first, then the least recently used.
                all = all.filter { !expired($0.value, now: now) }
                if all.count >= Self.limit, let oldest = all.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key { all[oldest] = nil }
            }
            all[session.id] = session
        }
        return session
    }

    /// The live session with this id, touched; nil when unknown or expired (and then forgotten).
    public func session(_ id: String, now: Date) -> Session? {
        sessions.withLockedValue { all in
            guard var s = all[id] else { return nil }
            if expired(s, now: now) {
                all[id] = nil
                return nil
            }
            s.lastSeen = now
            all[id] = s
            return s
        }
    }

    public func end(_ id: String) { sessions.withLockedValue { $0[id] = nil } }

    func setTenant(_ id: String, _ tenant: Tenant?) { sessions.withLockedValue { $0[id]?.tenant = tenant } }

    func setFlash(_ id: String, _ flash: Flash?) { sessions.withLockedValue { $0[id]?.flash = flash } }

    /// The flash message, removed.
    func takeFlash(_ id: String) -> Flash? {
        sessions.withLockedValue { all in defer { all[id]?.flash = nil }; return all[id]?.flash }
    }

    public var count: Int { sessions.withLockedValue { $0.count } }

    private func expired(_ s: Session, now: Date) -> Bool {
        now.timeIntervalSince(s.lastSeen) > idle || now.timeIntervalSince(s.created) > lifetime
    }

    /// 32 random bytes, hex.
    static func token() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", rng.next() as UInt64) }.joined()
    }
}
