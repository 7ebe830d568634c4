import Foundation

/// Sends one HTTP request and returns its response. The only way Squawk talks to the network:
/// the Live API poller, the FLS poller and the webhook dispatcher all go through it, so tests
/// swap in a fake and production uses ``CurlTransport``.
public protocol HTTPTransport: Sendable {
    /// Performs `request`. Throws ``HTTPTransportError`` for anything that is not an HTTP
    /// response (timeouts, refused connections, oversize bodies, cancellation).
    /// A 3xx, 4xx or 5xx status is a response, not an error.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
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

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        connectTimeout: Duration = .seconds(5),
        timeout: Duration = .seconds(15),
        maxResponseBytes: Int = 4 << 20,
        allowPeer: (@Sendable (PeerAddress) -> Bool)? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.allowPeer = allowPeer
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
