import CoreMetrics
import Hummingbird
import Prometheus

/// `/metrics` in the Prometheus text format, fed by swift-metrics (the poller's, pipeline's and
/// dispatcher's counters, gauges and timers). ``bootstrap()`` installs the factory once per
/// process (swift-metrics allows one bootstrap).
public struct PrometheusMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    private static let shared: PrometheusMetrics = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return PrometheusMetrics(registry: registry)
    }()

    /// The process's registry, bootstrapping swift-metrics on first use.
    public static func bootstrap() -> PrometheusMetrics { shared }

    /// Adds `GET /metrics` (unauthenticated, like `/healthz`; bind to a private interface or put
    /// it behind the proxy's auth in production).
    public func route<Context: RequestContext>(on router: Router<Context>) {
        let registry = self.registry
        router.get("metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
