import Foundation
import SquawkCore

/// A signing secret of a subscription (`whsec_…`). During a rotation the previous secret stays
/// valid until `expiresAt`, and deliveries carry a signature for each live secret.
public struct SigningSecret: Sendable, Hashable, Codable {
    public var secret: String
    public var createdAt: Date
    /// `nil` for the current secret; the end of the overlap window for a rotated-out one.
    public var expiresAt: Date?

    /// Live secrets a subscription keeps at most: the current one and two rotated out (Svix and
    /// Stripe keep a handful too). A rotation past that drops the oldest at once.
    public static let maxLive = 3

    public init(secret: String, createdAt: Date, expiresAt: Date? = nil) {
        self.secret = secret
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// Filters and cursor for listing subscriptions. Order: creation, oldest first (by id, which is
/// time-ordered), so a cursor is the last id seen.
public struct SubscriptionQuery: Sendable, Hashable {
    public var ownerKeyId: String
    public var targetKind: TargetKind?
    public var targetId: String?
    public var status: SubscriptionStatus?
    public var format: PayloadFormat?
    /// Return rows with id greater than this.
    public var after: String?
    public var limit: Int

    public init(ownerKeyId: String, targetKind: TargetKind? = nil, targetId: String? = nil, status: SubscriptionStatus? = nil,
                format: PayloadFormat? = nil, after: String? = nil, limit: Int = 50) {
        self.ownerKeyId = ownerKeyId
        self.targetKind = targetKind
        self.targetId = targetId
        self.status = status
        self.format = format
        self.after = after
        self.limit = limit
    }
}

/// One page of a listing; `nextCursor` is nil on the last page.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?
    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// What the API remembers of an idempotent create: a fingerprint of the request and the id it
/// created, so a retry returns the same subscription and a different body under the same key
/// is a conflict.
public struct IdempotencyRecord: Sendable, Hashable {
    public var key: String
    public var requestHash: String
    public var subscriptionId: String
    public init(key: String, requestHash: String, subscriptionId: String) {
        self.key = key
        self.requestHash = requestHash
        self.subscriptionId = subscriptionId
    }
}

/// Subscriptions and their secrets. Every method that takes an owner acts only on that owner's
/// rows: another owner's id is ``StoreError/Code/notFound``.
public protocol SubscriptionStore: Sendable {
    /// Inserts `subscription` with its first secret, atomically with the idempotency record if
    /// one is given. If the owner already used `idempotency.key`: same `requestHash` → returns
    /// the existing subscription and `false`; different hash → throws `.conflict`.
    func create(_ subscription: Subscription, secret: SigningSecret, idempotency: IdempotencyRecord?) async throws -> (Subscription, created: Bool)
    func get(id: String, owner: String) async throws -> Subscription?
    func list(_ query: SubscriptionQuery) async throws -> Page<Subscription>
    /// Replaces the mutable fields (events, endpoint, format, description, metadata, server,
    /// expiresAt, status, disabledReason, updatedAt) of an existing subscription.
    func update(_ subscription: Subscription) async throws
    /// Deletes; returns false when there was nothing (for this owner) to delete.
    func delete(id: String, owner: String) async throws -> Bool
    /// Makes `newSecret` current; the previous current secret expires at `previousExpiresAt`, and
    /// so does any older one that would outlive it (`previousExpiresAt == now` drops them all);
    /// expired secrets are deleted, and of the rest only the ``SigningSecret/maxLive`` newest kept.
    /// Secrets already expired at `newSecret.createdAt` are dropped.
    func rotateSecret(id: String, owner: String, newSecret: SigningSecret, previousExpiresAt: Date) async throws
    /// The secrets still valid at `now`, current first.
    func secrets(subscriptionId: String, now: Date) async throws -> [SigningSecret]
    /// One owner's subscription with the dates of its secrets valid at `now` (what `GET
    /// /v1/subscriptions/{id}` shows); by default ``get(id:owner:)`` then ``secrets(subscriptionId:now:)``.
    func detail(id: String, owner: String, now: Date) async throws -> (Subscription, [SecretDates])?
    /// A number that moves whenever any subscription or secret may have changed (through any
    /// connection or process), or nil when the store cannot promise that (several instances may
    /// write). Taken before the reads an answer is built from, it says when that answer may be
    /// served again unchanged.
    func readVersion() async -> UInt64?
    /// Sets status (and reason) for a subscription regardless of owner (delivery layer, expiry).
    func setStatus(id: String, status: SubscriptionStatus, reason: String?, at: Date) async throws
    /// Every active subscription, for building the matcher (streamed in batches by backends that can).
    func allActive() async throws -> [Subscription]
    /// Number of subscriptions (all owners), for metrics.
    func count() async throws -> Int
    /// Number of `owner`'s subscriptions, any status.
    func count(owner: String) async throws -> Int
}

/// When a live signing secret was made and when it stops being valid (nil: the current one),
/// without its value.
public struct SecretDates: Sendable, Hashable {
    public var createdAt: Date
    public var expiresAt: Date?
    public init(createdAt: Date, expiresAt: Date?) {
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

extension SubscriptionStore {
    /// No promise: answers are built afresh each time.
    public func readVersion() async -> UInt64? { nil }

    /// ``get(id:owner:)`` then ``secrets(subscriptionId:now:)``; SQLite answers from memory.
    public func detail(id: String, owner: String, now: Date) async throws -> (Subscription, [SecretDates])? {
        guard let s = try await get(id: id, owner: owner) else { return nil }
        return (s, try await secrets(subscriptionId: id, now: now).map { SecretDates(createdAt: $0.createdAt, expiresAt: $0.expiresAt) })
    }
}
