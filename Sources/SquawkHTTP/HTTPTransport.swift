import Foundation

/// Sends one HTTP request and returns its response. The only way Squawk talks to the network:
/// the Live API poller, the FLS poller and the webhook dispatcher all go through it, so tests
/// swap in a fake and production uses ``CurlTransport``.
public protocol HTTPTransport: Sendable {
    /// Performs `request`. Throws ``HTTPTransportError`` for anything that is not an HTTP
    /// response (timeouts, refused connections, oversize bodies, cancellation).
    /// A 3xx, 4xx or 5xx status is a response, not an error.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse

    /// Performs every request, at most `concurrency` at a time, each next one starting as an
    /// earlier one ends, and returns their outcomes in request order. Never throws: each
    /// outcome is a response or the ``HTTPTransportError`` that request would have thrown (a
    /// request whose ``HTTPRequest/deadline`` passed before its turn is ``HTTPTransportError/Kind/notSent``).
    /// A transport may do this with one hand-over for the whole batch (``CurlTransport`` does);
    /// the default sends them one by one through ``send(_:)``.
    func send(all requests: [HTTPRequest], concurrency: Int) async -> [HTTPExchange]
}

/// One request's outcome in ``HTTPTransport/send(all:concurrency:)``.
public struct HTTPExchange: Sendable {
    public var result: Result<HTTPResponse, HTTPTransportError>
    /// From the request's start (its turn in the batch) to its end.
    public var elapsed: Duration

    public init(result: Result<HTTPResponse, HTTPTransportError>, elapsed: Duration) {
        self.result = result
        self.elapsed = elapsed
    }
}

extension HTTPTransport {
    public func send(all requests: [HTTPRequest], concurrency: Int) async -> [HTTPExchange] {
        await withTaskGroup(of: (Int, HTTPExchange).self) { group in
            var exchanges = [HTTPExchange?](repeating: nil, count: requests.count)
            var running = 0
            for (index, request) in requests.enumerated() {
                if running >= max(1, concurrency), let (i, exchange) = await group.next() {
                    exchanges[i] = exchange
                    running -= 1
                }
                group.addTask {
                    defer { request.onEnd?() }
                    let started = ContinuousClock.now
                    var request = request
                    guard let left = request.timeLeft(at: started, acceptedAt: started) else {
                        return (index, HTTPExchange(result: .failure(HTTPRequest.notSent), elapsed: .zero))
                    }
                    request.timeout = left
                    request.connectTimeout = min(request.connectTimeout, left)
                    let result: Result<HTTPResponse, HTTPTransportError>
                    do {
                        result = .success(try await send(request))
                    } catch let error as HTTPTransportError {
                        result = .failure(error)
                    } catch {
                        result = .failure(HTTPTransportError(.other, String(describing: error)))
                    }
                    return (index, HTTPExchange(result: result, elapsed: ContinuousClock.now - started))
                }
                running += 1
            }
            for await (i, exchange) in group { exchanges[i] = exchange }
            return exchanges.map { $0! }
        }
    }
}

/// An HTTP method; only the ones Squawk uses.
public enum HTTPMethod: String, Sendable, Hashable {
    case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE", head = "HEAD"
}

/// One outgoing request and its per-request limits.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    /// Header name/value pairs in order; duplicates allowed.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Time allowed to establish the connection (TCP + TLS).
    public var connectTimeout: Duration
    /// Time allowed for the whole exchange, connect included.
    public var timeout: Duration
    /// Largest response body accepted; a larger one fails with ``HTTPTransportError/Kind/bodyTooLarge``.
    public var maxResponseBytes: Int
    /// Asked after DNS, before connecting: return `false` to refuse the resolved peer address
    /// (e.g. a private address for a webhook whose host name resolved to 127.0.0.1).
    /// ``CurlTransport`` asks it for every address it tries to connect to and again before
    /// every request on a reused connection, on its one network thread: keep it fast and
    /// non-blocking. IPv4-mapped IPv6 addresses arrive as text like `"::ffff:10.0.0.1"`.
    public var allowPeer: (@Sendable (PeerAddress) -> Bool)?
    /// The exchange never runs past this instant: the timeout is cut to it, and a request still
    /// waiting for its turn then is not sent at all (``HTTPTransportError/Kind/notSent``). A
    /// webhook's claim on its delivery ends at a known time; past it another dispatcher may
    /// send the same delivery.
    public var deadline: ContinuousClock.Instant?
    /// A request whose turn has not come by this instant is not sent at all (``HTTPTransportError/Kind/notSent``),
    /// although its deadline may still be ahead: one started later would have too little time
    /// left, and a send cut off mid-way may have reached the receiver without its answer
    /// reaching us.
    public var startBy: ContinuousClock.Instant?
    /// Called once when the exchange ends, however it ends (response, error, not sent), before
    /// the caller hears of it; ``CurlTransport`` calls it on its one network thread, so keep it
    /// short. A batch's caller hears of every request only when the last one ends; this is how
    /// it gives back what one request held (an endpoint's in-flight slot) as soon as it ends.
    public var onEnd: (@Sendable () -> Void)?

    /// What is left of the request's time at `now`, its turn having come after waiting since
    /// `accepted`: its timeout less the wait, cut to its deadline (zero or less: it timed out
    /// while waiting). Nil when it must not be sent at all: past its start-by time or deadline.
    func timeLeft(at now: ContinuousClock.Instant, acceptedAt accepted: ContinuousClock.Instant) -> Duration? {
        if let startBy, now > startBy { return nil }
        let left = timeout - (now - accepted)
        guard let deadline else { return left }
        return deadline > now ? min(left, deadline - now) : nil
    }

    /// The error of a request whose deadline passed before it was sent.
    static let notSent = HTTPTransportError(.notSent, "the request's turn came too late (after its start-by time or deadline); it was not sent")

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        connectTimeout: Duration = .seconds(5),
        timeout: Duration = .seconds(15),
        maxResponseBytes: Int = 4 << 20,
        allowPeer: (@Sendable (PeerAddress) -> Bool)? = nil,
        deadline: ContinuousClock.Instant? = nil,
        startBy: ContinuousClock.Instant? = nil,
        onEnd: (@Sendable () -> Void)? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.allowPeer = allowPeer
        self.deadline = deadline
        self.startBy = startBy
        self.onEnd = onEnd
    }
}

/// The address curl resolved a host to, as text (`"93.184.216.34"`, `"::1"`), and the port.
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    public var ip: String
    public var port: Int
    public init(ip: String, port: Int) { self.ip = ip; self.port = port }
    public var description: String { ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)" }
}

/// A received response. Header names are lower-cased.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Time from the start of the transfer to its end.
    public var elapsed: Duration

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], elapsed: Duration = .zero) {
        self.status = status
        self.headers = headers
        self.body = body
        self.elapsed = elapsed
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }
}

/// Why a request produced no HTTP response. Carries no URL query or header values, so it is
/// safe to log (secrets travel in headers, never in this error).
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case timeout, connectFailed, peerRefused, bodyTooLarge, cancelled, invalidRequest, tls, other
        /// Never sent: its ``HTTPRequest/deadline`` passed while it waited for its turn.
        case notSent
    }
    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}

/// Squawk's version, named in every `User-Agent`.
public enum SquawkVersion {
    public static let string = "0.1.0"
    public static let userAgent = "Squawk/\(string) (+https://github.com/squawk-webhooks/squawk)"
}
