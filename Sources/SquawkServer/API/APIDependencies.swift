import Foundation
import NIOConcurrencyHelpers
import SquawkCore
import SquawkStore

/// Everything the API routes need, named by protocol (the server never imports a concrete store).
public struct APIDependencies: Sendable {
    public var subscriptions: any SubscriptionStore
    public var keys: any APIKeyStore
    /// The outbox and delivery log (nil: the delivery routes answer 503).
    public var deliveries: (any DeliveryStore)?
    /// The poller's view of itself, for `/readyz` and `/v1/status` (nil: no poller).
    public var status: (any ServiceStatusProvider)?
    /// Told after the API enqueued deliveries itself (test events, redeliveries), to wake the dispatcher.
    public var onEnqueued: @Sendable () -> Void
    public var rules: SubscriptionRules
    /// SHA-256 hex of the admin key, if configured.
    public var adminKeyHash: String?
    /// The clock (DESIGN.md rule 3).
    public var now: @Sendable () -> Date
    /// Makes a time-ordered id with the given prefix.
    public var makeID: @Sendable (_ prefix: String, _ at: Date) -> String
    /// Makes a new `whsec_` signing secret.
    public var makeSecret: @Sendable () -> String
    /// Told after every change, so the matcher follows the store.
    public var onChange: @Sendable (SubscriptionChange) async -> Void
    /// Overlap window of a secret rotation when the request names none (Hookdeck's 24 h).
    public var defaultRotationOverlap: Duration
    /// Per-key limits (the admin key has none).
    public var limits: KeyLimits {
        didSet { writes = WriteLimiter(perMinute: limits.writesPerMinute) }
    }
    /// The write budget of each key, shared by every copy of these dependencies.
    private(set) var writes: WriteLimiter
    /// Subscription answers kept while the store's version stands, shared by every copy.
    public var rendered = RenderedAnswers()

    public init(
        subscriptions: any SubscriptionStore, keys: any APIKeyStore, rules: SubscriptionRules, adminKeyHash: String?,
        now: @escaping @Sendable () -> Date = { Date() },
        makeID: @escaping @Sendable (String, Date) -> String = { prefix, at in
            var rng = SystemRandomNumberGenerator()
            return Identifiers.make(prefix: prefix, at: at, using: &rng)
        },
        makeSecret: @escaping @Sendable () -> String = {
            var rng = SystemRandomNumberGenerator()
            return Identifiers.webhookSecret(using: &rng)
        },
        onChange: @escaping @Sendable (SubscriptionChange) async -> Void = { _ in },
        defaultRotationOverlap: Duration = .seconds(24 * 3600),
        deliveries: (any DeliveryStore)? = nil,
        onEnqueued: @escaping @Sendable () -> Void = {},
        status: (any ServiceStatusProvider)? = nil
    ) {
        self.status = status
        self.deliveries = deliveries
        self.onEnqueued = onEnqueued
        self.subscriptions = subscriptions
        self.keys = keys
        self.rules = rules
        self.adminKeyHash = adminKeyHash
        self.now = now
        self.makeID = makeID
        self.makeSecret = makeSecret
        self.onChange = onChange
        self.defaultRotationOverlap = defaultRotationOverlap
        self.limits = KeyLimits()
        self.writes = WriteLimiter(perMinute: KeyLimits().writesPerMinute)
    }
}

/// What one API key may do (documented defaults; `0`: no limit). The admin key is exempt.
public struct KeyLimits: Sendable, Hashable {
    /// Subscriptions a key may own (`api.max_subscriptions_per_key`).
    public var maxSubscriptions: Int
    /// Creates, updates, secret rotations and enables per minute (`api.writes_per_minute_per_key`).
    public var writesPerMinute: Int

    public init(maxSubscriptions: Int = 1_000, writesPerMinute: Int = 120) {
        self.maxSubscriptions = maxSubscriptions
        self.writesPerMinute = writesPerMinute
    }
}

/// ``KeyRateLimit`` behind a lock.
final class WriteLimiter: Sendable {
    private let limit: NIOLockedValueBox<KeyRateLimit>

    init(perMinute: Int) {
        limit = NIOLockedValueBox(KeyRateLimit(perMinute: perMinute))
    }

    /// Nil: go ahead; else the seconds to wait.
    func admit(_ key: String, now: Date) -> Int? {
        limit.withLockedValue { $0.admit(key, now: now) }
    }
}

/// A change to the set of subscriptions.
public enum SubscriptionChange: Sendable {
    case upserted(Subscription)
    case deleted(id: String)
}
