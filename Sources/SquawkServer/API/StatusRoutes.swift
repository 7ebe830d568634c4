import Foundation
import Hummingbird
import SquawkCore
import SquawkStore

/// What the running service knows about itself, for `/readyz` and `GET /v1/status`.
public struct ServiceStatus: Encodable, Sendable {
    public struct Server: Encodable, Sendable {
        public var id: String
        public var name: String
        public var polled: Bool
        /// Seconds since this server's last snapshot (nil: none yet).
        public var lastSnapshotAgeSeconds: Double?
        public var flights: Int
    }
    public var upstreamReady: Bool
    public var servers: [Server]
    public var plan: String
    public var planRequestsPerMinute: Double
    public var budgetPerMinute: Int
    public var budgetUsedLastMinute: Int
    public var degraded: Bool
    public var activeSubscriptions: Int
    /// With several instances on one store: whether this instance polls the Live API for the
    /// cluster now (holds the `poller/liveapi` lease). Absent with one instance, which always polls.
    public var pollingLeader: Bool?
    /// The FLS instances, when any is configured.
    public var fls: [FLSInstanceStatus]?
    public var queue: Queue?

    public init(upstreamReady: Bool, servers: [Server], plan: String, planRequestsPerMinute: Double, budgetPerMinute: Int,
                budgetUsedLastMinute: Int, degraded: Bool, activeSubscriptions: Int, pollingLeader: Bool? = nil,
                fls: [FLSInstanceStatus]? = nil, queue: Queue? = nil) {
        self.upstreamReady = upstreamReady
        self.servers = servers
        self.plan = plan
        self.planRequestsPerMinute = planRequestsPerMinute
        self.budgetPerMinute = budgetPerMinute
        self.budgetUsedLastMinute = budgetUsedLastMinute
        self.degraded = degraded
        self.activeSubscriptions = activeSubscriptions
        self.pollingLeader = pollingLeader
        self.fls = fls
        self.queue = queue
    }

    public struct FLSInstanceStatus: Encodable, Sendable {
        public var name: String
        /// Whether a subscription wants it polled.
        public var polled: Bool
        public var lastPollAgeSeconds: Double?
        /// The last poll's failure, if it failed (never a credential).
        public var lastError: String?
        public var legsTracked: Int
        public var budgetPerMinute: Int
        public var budgetUsedLastMinute: Int
    }

    public struct Queue: Encodable, Sendable {
        public var pending: Int
        public var inflight: Int
        public var retrying: Int
        public var oldestPendingAgeSeconds: Double?
    }
}

/// Supplies ``ServiceStatus`` (the poller does).
public protocol ServiceStatusProvider: Sendable {
    func status(now: Date) async -> ServiceStatus
}

/// The Live API poller's status with the FLS poller's instances added.
public struct CombinedStatus: ServiceStatusProvider {
    let poller: any ServiceStatusProvider
    let fls: FLSPoller?

    public init(poller: any ServiceStatusProvider, fls: FLSPoller?) {
        self.poller = poller
        self.fls = fls
    }

    public func status(now: Date) async -> ServiceStatus {
        var s = await poller.status(now: now)
        if let fls, !fls.instances.isEmpty { s.fls = fls.status(now: now) }
        return s
    }
}

struct StatusRoutes: Sendable {
    let deps: APIDependencies

    func registerOpen(on routes: RouteTable) {
        routes.on(.get, "readyz", responses: [200, 503], readyz)
    }

    func register(on routes: RouteTable) {
        routes.on(.get, "status", responses: [200], status)
        routes.on(.get, "activity", query: ["minutes"], responses: [200], activity)
    }

    struct ActivityDTO: Encodable {
        struct Minute: Encodable { var start: Date; var delivered: Int; var failed: Int; var expired: Int }
        struct Failing: Encodable { var subscriptionId: String; var notifyEndpoint: String; var since: Date }
        var since: Date
        var minutes: [Minute]
        var failing: [Failing]
    }

    /// Finished deliveries per minute by outcome over the last `minutes` (default 60, at most a
    /// day) and the endpoints failing now: the caller's own, or everyone's for the admin key.
    @Sendable func activity(_ request: Request, context: APIContext) async throws -> Response {
        let owner = try context.requireOwner()
        var minutes = 60
        if let m = request.uri.queryParameters["minutes"] {
            guard let n = Int(m), (1...1_440).contains(n) else {
                throw APIError(.badRequest, "invalid_query", "minutes must be an integer from 1 to 1440", field: "minutes")
            }
            minutes = n
        }
        guard let store = deps.deliveries as? any DeliveryActivityStore else {
            throw APIError(.serviceUnavailable, "deliveries_unavailable", "this server keeps no delivery log")
        }
        let now = deps.now()
        // Whole minutes, so the first bar is not a partial one.
        let since = Date(timeIntervalSince1970: ((now.timeIntervalSince1970 / 60).rounded(.down) - Double(minutes - 1)) * 60)
        let a = try await store.activity(owner: owner == AuthMiddleware.adminOwner ? nil : owner, since: since)
        return try .json(.ok, ActivityDTO(
            since: since,
            minutes: a.minutes.map { .init(start: $0.start, delivered: $0.delivered, failed: $0.failed, expired: $0.expired) },
            failing: a.failing.map { .init(subscriptionId: $0.subscriptionId, notifyEndpoint: $0.notifyEndpoint, since: $0.since) }))
    }

    func current() async -> ServiceStatus? {
        guard let provider = deps.status else { return nil }
        var s = await provider.status(now: deps.now())
        if let stats = try? await deps.deliveries?.queueStats(now: deps.now()) {
            s.queue = .init(pending: stats.pending, inflight: stats.inflight, retrying: stats.retrying,
                            oldestPendingAgeSeconds: stats.oldestPendingAge)
        }
        return s
    }

    /// 200 once the store answers and the upstream has answered once; 503 with the reason otherwise.
    @Sendable func readyz(_ request: Request, context: APIContext) async throws -> Response {
        do {
            _ = try await deps.subscriptions.count()
        } catch {
            throw APIError(.serviceUnavailable, "store_unavailable", "the store does not answer")
        }
        if let s = await current(), !s.upstreamReady {
            throw APIError(.serviceUnavailable, "upstream_not_ready", "the Live API has not answered yet")
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
    }

    /// The admin key sees the whole service; a tenant key the same service facts (servers, plan,
    /// budget) but only its own subscriptions and deliveries in `activeSubscriptions` and `queue`.
    @Sendable func status(_ request: Request, context: APIContext) async throws -> Response {
        let owner = try context.requireOwner()
        guard var s = await current() else { throw APIError(.serviceUnavailable, "status_unavailable", "this server runs no poller") }
        if owner != AuthMiddleware.adminOwner {
            s.activeSubscriptions = try await activeCount(owner: owner)
            s.queue = nil
            if let stats = try? await deps.deliveries?.queueStats(now: deps.now(), owner: owner) {
                s.queue = .init(pending: stats.pending, inflight: stats.inflight, retrying: stats.retrying,
                                oldestPendingAgeSeconds: stats.oldestPendingAge)
            }
        }
        return try .json(.ok, s)
    }

    /// `owner`'s active subscriptions, counted page by page.
    func activeCount(owner: String) async throws -> Int {
        var count = 0, after: String?
        repeat {
            let page = try await deps.subscriptions.list(SubscriptionQuery(ownerKeyId: owner, status: .active, after: after, limit: 1_000))
            count += page.items.count
            after = page.nextCursor
        } while after != nil
        return count
    }
}
