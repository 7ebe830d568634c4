import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SquawkConsole
import SquawkCore
import SquawkHTTP
import SquawkLiveAPI
import SquawkServer
import SquawkFLS
import SquawkSQLite
import SquawkStore

/// The composition root of `squawk serve`: the one place that names concrete types (SQLite,
/// libcurl, the simulator) and wires them into the services of ``SquawkServer``.
///
/// ``build(_:logger:)`` makes everything without running it, so tests run the very same
/// application on a temporary store and port 0; ``run(_:logger:announce:)`` runs it under a
/// `ServiceGroup` that stops on SIGTERM/SIGINT.
public struct ServeApp: Sendable {
    public let configuration: SquawkConfiguration
    public let store: any StoreBackend
    /// The admin key in clear (configured or generated), for the start banner.
    public let adminKey: String
    public let adminKeyGenerated: Bool
    /// The effective rules (the demo mode widens the allow-list to loopback).
    public let rules: SubscriptionRules
    public let notices: [String]

    /// Opens the store and resolves the admin key; fails with a ``ConfigurationError`` naming the key.
    public static func build(_ configuration: SquawkConfiguration, logger: Logger) throws -> ServeApp {
        var configuration = configuration
        var notices: [String] = []
        let store = try Composition(configuration: configuration, logger: logger).openStore()
        var adminKey = configuration.adminKey
        var generated = false
        if adminKey.isEmpty {
            (adminKey, generated) = try AdminKeyFile.loadOrCreate(directory: configuration.dataDirectory)
        }
        if configuration.usesSimulator {
            // The embedded demo: a receiver on this machine (squawk receive) must be reachable,
            // and a whole simulated server is a fine thing to watch.
            if configuration.allowList.isEmpty {
                configuration.allowList = ["127.0.0.0/8", "::1/128"]
                notices.append("demo mode (no Live API key): notifyEndpoint may be a loopback address; set api.allow_list to change")
            }
            configuration.allowServerTargets = true
            if configuration.usesEmbeddedFLS {
                notices.append("FLS: the simulator's gliding club \"demo\" is served too; subscribe with {\"target\": {\"kind\": \"fls_club\", \"id\": \"demo\"}, …}")
            }
        }
        let rules = SubscriptionRules(
            endpointPolicy: EndpointPolicy(allowList: configuration.allowList.compactMap { IPRange(cidr: $0) }),
            allowServerTargets: configuration.allowServerTargets,
            flsInstances: Set(configuration.flsInstanceNames))
        return ServeApp(configuration: configuration, store: store, adminKey: adminKey, adminKeyGenerated: generated,
                        rules: rules, notices: notices)
    }

    /// The HTTP API's router.
    /// The HTTP API's router, with the console (`console.enabled`) over a second instance of the same API routes.
    public func router(live: LiveSubscriptions? = nil, flights: any LiveFlightDirectory = EmptyFlightDirectory(),
                       onEnqueued: @escaping @Sendable () -> Void = {}, status: (any ServiceStatusProvider)? = nil, feed: EventFeed? = nil,
                       extra: (Router<APIContext>) -> Void = { _ in }) async throws -> Router<APIContext> {
        var deps = APIDependencies(subscriptions: store, keys: store, rules: rules, adminKeyHash: KeyHash.sha256Hex(adminKey),
                                   onChange: { change in live?.apply(change) }, deliveries: store, onEnqueued: onEnqueued,
                                   status: status)
        deps.limits = KeyLimits(maxSubscriptions: configuration.maxSubscriptionsPerKey,
                                writesPerMinute: configuration.writesPerMinutePerKey)
        let router = APIRouter.make(deps, flights: flights).router
        if configuration.consoleEnabled {
            var settings = WebConsole.Configuration()
            settings.path = configuration.consolePath
            settings.sessionIdle = configuration.consoleSessionMinutes * 60
            let console = try await WebConsole(configuration: settings, api: APIRouter.make(deps, flights: flights).router, flights: flights,
                                            feed: feed, airports: rules.airports)
            console.register(on: router)
        }
        extra(router)
        return router
    }

    /// The long-running parts, built over this app's store: what `run` starts, and what tests
    /// drive directly.
    public struct Parts: Sendable {
        public let live: LiveSubscriptions
        public let poller: Poller
        public let dispatcher: Dispatcher
        public let janitor: Janitor
        public let upstream: LateUpstream
        public let transport: CurlTransport
        public let flsPoller: FLSPoller
        /// Every detected event, for the console's live feed.
        public let feed: EventFeed
        /// The FLS instances by name (the embedded one gets its client once the simulator listens).
        public let flsInstances: [FLSInstance]
    }

    /// Builds the poller, dispatcher and janitor over the store.
    public func parts(logger: Logger) async throws -> Parts {
        let c = configuration
        let live = LiveSubscriptions(try await store.allActive())
        let transport = CurlTransport(configuration: .init(maxConcurrentTransfers: c.deliveryConcurrency + 8, proxy: c.deliveryProxy))
        var dispatch = DispatcherConfiguration()
        dispatch.concurrency = c.deliveryConcurrency
        dispatch.batchSize = c.deliveryBatchSize
        dispatch.retryPolicy = RetryPolicy(schedule: c.retrySchedule)
        dispatch.lease = .milliseconds(Int64(c.leaseSeconds * 1000))
        dispatch.disableAfter = c.disableAfterDays * 86_400
        let operatorHook = c.operatorWebhook
        let dispatcher = Dispatcher(
            store: store, transport: transport, endpointPolicy: rules.endpointPolicy, configuration: dispatch,
            logger: logger, sharedLedger: c.usesPostgres ? store as? any SharedSendLedger : nil, onOperationalEvent: { event in
                // A disabled subscription leaves the matcher at once (the store already says so).
                if event.kind == .subscriptionDisabled { live.apply(.deleted(id: event.subscriptionId)) }
                logger.warning("operational event", metadata: ["kind": "\(event.kind.rawValue)", "subscription": "\(event.subscriptionId)",
                                                                "reason": "\(event.reason)"])
                if !operatorHook.isEmpty { await OperatorWebhook.send(event, to: operatorHook, transport: transport, logger: logger) }
            })
        let feed = EventFeed()
        let pipeline = EventPipeline(deliveries: store, subscriptions: store, live: live, logger: logger, feed: feed,
                                     onEnqueued: { dispatcher.wake() })
        var pollerConfig = PollerConfiguration()
        pollerConfig.requestsPerMinute = c.requestsPerMinute
        pollerConfig.budgetShare = c.budgetShare
        pollerConfig.flightsInterval = c.flightsInterval
        pollerConfig.sessionsInterval = c.sessionsInterval
        pollerConfig.diff.approachingDistanceNM = c.approachDistanceNM
        let upstream = LateUpstream()
        if !c.usesSimulator {
            upstream.set(LiveAPIClient(apiKey: c.liveAPIKey, transport: transport, baseURL: c.liveAPIBaseURL))
        }
        let poller = Poller(upstream: upstream, pipeline: pipeline, live: live, stateStore: store,
                            configuration: pollerConfig, logger: logger,
                            leadership: c.usesPostgres ? PollerLeadership(election: store) : nil)
        let janitor = Janitor(store: store, retention: c.retentionDays * 86_400, logger: logger)
        let flsInstances = c.usesEmbeddedFLS ? [FLSInstance(name: EmbeddedFLSName)]
            : FLSInstanceSetting.all(c.flsInstances).map { s in
                FLSInstance(name: s.name, client: FLSClient(baseURL: s.baseURL, username: s.username, password: s.password, transport: transport))
            }
        var flsConfig = FLSPollerConfiguration()
        // The simulator's club is on this machine: read it often, so the demo shows changes quickly.
        flsConfig.interval = c.usesEmbeddedFLS ? min(c.flsPollInterval, 10) : c.flsPollInterval
        flsConfig.requestsPerMinute = c.flsRequestsPerMinute
        let flsPoller = FLSPoller(instances: flsInstances, pipeline: pipeline, live: live, stateStore: store,
                                  configuration: flsConfig, logger: logger,
                                  leadership: c.usesPostgres ? PollerLeadership(election: store, name: "poller/fls") : nil)
        return Parts(live: live, poller: poller, dispatcher: dispatcher, janitor: janitor, upstream: upstream, transport: transport,
                     flsPoller: flsPoller, feed: feed, flsInstances: flsInstances)
    }

    /// Runs until SIGTERM/SIGINT. `announce` hears the banner lines once the API listens.
    public func run(logger: Logger, announce: @escaping @Sendable (String) -> Void) async throws {
        // The store is usable (pool running, migrations applied) for the services' whole life.
        try await store.withRunning { try await self.runServices(logger: logger, announce: announce) }
    }

    /// The services of ``run(logger:announce:)``, over a running store.
    func runServices(logger: Logger, announce: @escaping @Sendable (String) -> Void) async throws {
        let configuration = self.configuration
        let adminKey = self.adminKey
        let notices = self.notices
        let generated = adminKeyGenerated
        let parts = try await self.parts(logger: logger)
        defer { parts.transport.shutdown() }
        let metrics = PrometheusMetrics.bootstrap()
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if configuration.usesSimulator {
            services.append(.init(service: try EmbeddedSimulator.application(
                configuration, upstream: parts.upstream, fls: configuration.usesEmbeddedFLS ? parts.flsInstances.first : nil,
                transport: parts.transport)))
        }
        let app = Application(
            router: try await router(live: parts.live, flights: parts.poller, onEnqueued: { parts.dispatcher.wake() },
                                     status: CombinedStatus(poller: parts.poller, fls: parts.flsPoller), feed: parts.feed,
                                     extra: { metrics.route(on: $0, adminKeyHash: KeyHash.sha256Hex(adminKey)) }),
            server: configuration.connectionLimits.server(),
            configuration: configuration.connectionLimits.applicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "squawk"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                for line in ServeBanner.lines(configuration: configuration, port: port, adminKey: adminKey,
                                              adminKeyGenerated: generated, notices: notices) {
                    announce(line)
                }
            },
            logger: logger
        )
        // Order matters for shutdown (reverse order): the API stops taking requests first, then
        // the poller stops, then the dispatcher finishes what is in flight, then the janitor.
        if let (host, port) = SquawkConfiguration.hostPort(configuration.metricsListen) {
            services.append(.init(service: PrometheusMetrics.Listener(metrics: metrics, host: host, port: port, logger: logger,
                                                                      onRunning: { announce("metrics: http://\(host):\($0)/metrics") })))
        }
        services += [
            .init(service: parts.janitor),
            .init(service: parts.dispatcher),
            .init(service: parts.poller),
            .init(service: parts.flsPoller),
            .init(service: app),
        ]
        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // In-flight sends get `delivery.shutdown_grace_seconds`; then the group cancels what is
        // left (an unacknowledged claim simply comes back when its lease ends).
        groupConfiguration.maximumGracefulShutdownDuration = .milliseconds(Int64(configuration.shutdownGrace * 1000))
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
        logger.info("stopped")
    }
}
