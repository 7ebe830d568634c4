import CoreMetrics
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle
import SquawkCore

/// `/metrics` in the Prometheus text format, fed by swift-metrics (the poller's, pipeline's and
/// dispatcher's counters, gauges and timers). ``bootstrap()`` installs the factory once per
/// process (swift-metrics allows one bootstrap).
///
/// Metrics say how busy the service is and which servers it polls: not for tenants. On the API
/// port `/metrics` needs the admin key; scrapers use the separate listener (`metrics.listen`,
/// loopback by default, see ``Listener``), which needs none.
public struct PrometheusMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    private static let shared: PrometheusMetrics = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return PrometheusMetrics(registry: registry)
    }()

    /// The process's registry, bootstrapping swift-metrics on first use.
    public static func bootstrap() -> PrometheusMetrics { shared }

    /// The exposition, as a response.
    func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }

    /// Adds `GET /metrics` for the admin key only (`Authorization: Bearer <admin key>`); any other
    /// caller gets a 401 problem.
    public func route(on router: Router<APIContext>, adminKeyHash: String?) {
        let metrics = self
        router.get("metrics") { request, _ -> Response in
            let key = request.headers[.authorization].flatMap { header -> String? in
                guard header.lowercased().hasPrefix("bearer ") else { return nil }
                return String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            }
            guard let key, let admin = adminKeyHash, KeyHash.constantTimeEqual(KeyHash.sha256Hex(key), admin) else {
                throw APIError(.unauthorized, "unauthorized", "/metrics needs the admin key (or scrape the metrics.listen address)")
            }
            return metrics.response()
        }
    }

    /// The scrape listener: `GET /metrics` without a key on its own address (`metrics.listen`).
    /// An address that cannot be bound is logged and skipped: the service runs on, and the admin
    /// key still reads `/metrics` on the API port.
    public struct Listener: Service {
        let metrics: PrometheusMetrics
        let host: String
        let port: Int
        let logger: Logger
        let onRunning: @Sendable (Int) -> Void

        public init(metrics: PrometheusMetrics, host: String, port: Int, logger: Logger, onRunning: @escaping @Sendable (Int) -> Void = { _ in }) {
            self.metrics = metrics
            self.host = host
            self.port = port
            self.logger = logger
            self.onRunning = onRunning
        }

        public func run() async throws {
            let router = Router()
            let metrics = self.metrics
            router.get("metrics") { _, _ in metrics.response() }
            let onRunning = self.onRunning
            let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "squawk-metrics"),
                                  onServerRunning: { channel in onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
            do {
                try await app.run()
            } catch {
                logger.error("metrics.listen: cannot serve /metrics on \(host):\(port) (\(error)); /metrics stays on the API port for the admin key")
                try? await gracefulShutdown()
            }
        }
    }
}
