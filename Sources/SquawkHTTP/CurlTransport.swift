import Foundation

// MARK: - CurlTransport

/// The production ``HTTPTransport``: libcurl's multi interface driven by one dedicated thread.
///
/// - **One thread, one multi handle.** ``send(_:)`` hands the request to the thread through a
///   lock-protected queue and suspends on a `CheckedContinuation`; the thread runs
///   `curl_multi_poll`, is woken by `curl_multi_wakeup`, and resumes the continuation when the
///   transfer ends. No Swift task ever blocks on IO.
/// - **Connection reuse.** All transfers share the multi handle's connection cache, so
///   sequential requests to one host reuse a connection (HTTP/1.1 keep-alive, or HTTP/2
///   multiplexing over TLS; HTTP/1 pipelining is off). Easy handles are pooled.
/// - **Bounded.** At most ``Configuration/maxConcurrentTransfers`` run at once; more are queued
///   in order, never failed. A request's ``HTTPRequest/timeout`` counts from ``send(_:)``, so
///   time spent queued is part of it.
/// - **Safe defaults.** Redirects are never followed; TLS peer and host verification are on;
///   only `http` and `https` are allowed; no `Expect: 100-continue`; the response body is capped
///   per request; ``HTTPRequest/allowPeer`` vets every address before a connection is opened
///   and again before every request on a reused connection (see ``CurlTransfer``).
/// - **Cancellation.** Cancelling the calling task removes the transfer from the multi handle
///   (closing its connection) and throws ``HTTPTransportError/Kind/cancelled``.
///
/// Call ``shutdown()`` when done (or drop the last reference): the thread stops and requests
/// still pending fail with ``HTTPTransportError/Kind/cancelled``.
public final class CurlTransport: HTTPTransport {
    // MARK: - Configuration

    /// Limits of one transport; the defaults suit one process sending webhooks and polling.
    public struct Configuration: Sendable {
        /// Transfers running at once; more wait in a queue (first in, first out).
        public var maxConcurrentTransfers: Int
        /// `CURLMOPT_MAX_TOTAL_CONNECTIONS`: open connections across all hosts (0 = no limit).
        public var maxTotalConnections: Int
        /// `CURLMOPT_MAX_HOST_CONNECTIONS`: open connections to one host and port (0 = no limit).
        public var maxHostConnections: Int
        /// `CURLMOPT_MAXCONNECTS`: idle connections kept in the cache for reuse.
        public var maxCachedConnections: Int
        /// Multiplex HTTPS requests over HTTP/2 when the server offers it (`CURLPIPE_MULTIPLEX`).
        /// HTTP/1 pipelining is never used.
        public var multiplexing: Bool
        /// The proxy every request goes through (`http://host:port`), or nil for none. Proxy
        /// environment variables (`http_proxy`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`) are
        /// always ignored: a proxy chosen by the environment would make the peer-address check
        /// vet the proxy instead of the destination. With a proxy, a request's destination is
        /// vetted before it is sent by every address its name resolves to (``HTTPRequest/allowPeer``).
        public var proxy: String?

        public init(
            maxConcurrentTransfers: Int = 256,
            maxTotalConnections: Int = 256,
            maxHostConnections: Int = 64,
            maxCachedConnections: Int = 256,
            multiplexing: Bool = true,
            proxy: String? = nil
        ) {
            self.proxy = proxy.flatMap { $0.isEmpty ? nil : $0 }
            self.maxConcurrentTransfers = max(1, maxConcurrentTransfers)
            self.maxTotalConnections = max(0, maxTotalConnections)
            self.maxHostConnections = max(0, maxHostConnections)
            self.maxCachedConnections = max(1, maxCachedConnections)
            self.multiplexing = multiplexing
        }
    }

    // MARK: - Statistics

    /// Counters since the transport started, for metrics and tests.
    public struct Statistics: Sendable, Hashable {
        /// Requests accepted by ``send(_:)`` and batches accepted by ``send(all:concurrency:)``
        /// (each counted once) not yet answered, queued or running.
        public var inFlight: Int
        /// Transfers that ended with an HTTP response (any status).
        public var responses: Int
        /// Requests that ended with an ``HTTPTransportError``.
        public var failures: Int
        /// New connections opened (`CURLINFO_NUM_CONNECTS` summed); fewer than
        /// `responses + failures` means connections were reused.
        public var connectionsOpened: Int
    }

    // MARK: - Lifecycle

    private let engine: CurlEngine

    /// Starts the transport's thread.
    public init(configuration: Configuration = Configuration()) {
        engine = CurlEngine(configuration: configuration)
    }

    deinit {
        engine.stop(wait: false)
    }

    /// Stops the thread: running and queued requests fail with
    /// ``HTTPTransportError/Kind/cancelled``, later ones fail at once. Returns when the thread
    /// has freed every curl handle. Safe to call more than once.
    public func shutdown() {
        engine.stop(wait: true)
    }

    // MARK: - Sending

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await engine.send(request)
    }

    /// Current counters.
    /// One hand-over to the curl thread for the whole batch, one resumption when it ends.
    public func send(all requests: [HTTPRequest], concurrency: Int) async -> [HTTPExchange] {
        await engine.send(all: requests, concurrency: concurrency)
    }

    public var statistics: Statistics { engine.statistics }
}
