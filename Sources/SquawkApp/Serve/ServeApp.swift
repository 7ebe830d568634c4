import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SquawkCore
import SquawkServer
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
    public let store: SQLiteStore
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
        guard let path = configuration.sqlitePath else {
            throw ConfigurationError(key: "store.url", "store.url: '\(configuration.storeURL)' is not a SQLite path; this build stores in SQLite")
        }
        do {
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError(key: "store.url", "store.url: cannot create \(configuration.dataDirectory): \(error.localizedDescription)")
        }
        let store: SQLiteStore
        do { store = try SQLiteStore(path: path) } catch {
            throw ConfigurationError(key: "store.url", "store.url: cannot open \(path): \(error)")
        }
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
        }
        let rules = SubscriptionRules(
            endpointPolicy: EndpointPolicy(allowList: configuration.allowList.compactMap { IPRange(cidr: $0) }),
            allowServerTargets: configuration.allowServerTargets)
        return ServeApp(configuration: configuration, store: store, adminKey: adminKey, adminKeyGenerated: generated,
                        rules: rules, notices: notices)
    }

    /// The HTTP API's router.
    public func router(onChange: @escaping @Sendable (SubscriptionChange) async -> Void = { _ in }) -> Router<APIContext> {
        let deps = APIDependencies(subscriptions: store, keys: store, rules: rules, adminKeyHash: KeyHash.sha256Hex(adminKey),
                                   onChange: onChange)
        return APIRouter.make(deps).router
    }

    /// Runs until SIGTERM/SIGINT. `announce` hears the banner lines once the API listens.
    public func run(logger: Logger, announce: @escaping @Sendable (String) -> Void) async throws {
        let configuration = self.configuration
        let adminKey = self.adminKey
        let notices = self.notices
        let generated = adminKeyGenerated
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "squawk"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                for line in ServeBanner.lines(configuration: configuration, port: port, adminKey: adminKey,
                                              adminKeyGenerated: generated, notices: notices) {
                    announce(line)
                }
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
