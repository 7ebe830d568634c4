import Foundation
import NIOConcurrencyHelpers
import SquawkCore
import SquawkHTTP

/// The typed FLS client (seed 003, ../shared/FACTS.md) over any ``HTTPTransport``.
///
/// - **Auth:** OAuth2 password grant at `POST {base}/Token`; the bearer token is kept until
///   60 s before it expires, or until a data request answers 401. Fetching a token is its own
///   step (``authenticateIfNeeded()``) so the poller can count it against its budget.
/// - **Endpoints:** `GET {base}/api/v1/flights/{flightId}` and
///   `GET {base}/api/v1/flights/exchange/modified/{since}`.
/// - **Secrets:** the password and the token never appear in an error, a description or a URL.
public final class FLSClient: Sendable, CustomStringConvertible {
    public let baseURL: String
    public let username: String
    private let password: String
    let transport: any HTTPTransport
    let now: @Sendable () -> Date
    public let timeout: Duration
    private let token = NIOLockedValueBox<(value: String, expires: Date)?>(nil)

    /// `baseURL` without credentials (`https://fls.example.org` or with a path prefix).
    public init(baseURL: String, username: String, password: String, transport: any HTTPTransport,
                timeout: Duration = .seconds(20), now: @escaping @Sendable () -> Date = { Date() }) {
        self.timeout = timeout
        var b = baseURL
        while b.hasSuffix("/") { b.removeLast() }
        self.baseURL = b
        self.username = username
        self.password = password
        self.transport = transport
        self.now = now
    }

    public var description: String { "FLSClient(\(baseURL), user \(username))" }

    /// Whether the next data request needs a token first.
    public var needsToken: Bool {
        token.withLockedValue { t in t.map { $0.expires <= now() } ?? true }
    }

    // MARK: - Auth

    /// Gets a token when none is held or it is about to expire. Returns whether a request was
    /// sent.
    @discardableResult
    public func authenticateIfNeeded() async throws(FLSError) -> Bool {
        guard needsToken else { return false }
        let path = "/Token"
        let body = "grant_type=password&username=\(Self.formEncode(username))&password=\(Self.formEncode(password))"
        let request = HTTPRequest(method: .post, url: baseURL + path,
                                  headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                                  body: Array(body.utf8), timeout: timeout, maxResponseBytes: 64 << 10)
        let response = try await send(request, path: path)
        switch response.status {
        case 200...299: break
        case 400, 401: throw FLSError(.badCredentials, path: path, message: "the FLS server refused the username or password")
        default: try Self.throwStatus(response, path: path, now: now())
        }
        struct TokenReply: Decodable { var access_token: String; var expires_in: Double? }
        guard let reply = try? JSONDecoder().decode(TokenReply.self, from: Data(response.body)), !reply.access_token.isEmpty else {
            throw FLSError(.decoding, path: path, message: "no access_token in the reply")
        }
        let lifetime = max(60, reply.expires_in ?? 3600)
        token.withLockedValue { $0 = (reply.access_token, now().addingTimeInterval(lifetime - 60)) }
        return true
    }

    // MARK: - Endpoints

    /// `GET api/v1/flights/{flightId}`.
    public func flight(id: String) async throws(FLSError) -> FLSFlightDetails {
        guard SubscriptionRules.isUUID(id) else { throw FLSError(.invalidRequest, path: "/api/v1/flights/{flightId}", message: "not a flight id") }
        return try await get("/api/v1/flights/\(id.lowercased())", as: FLSFlightDetails.self).value
    }

    /// `GET api/v1/flights/exchange/modified/{since}`: flights created or modified since `since`
    /// (sent as UTC, `2025-07-04T03:56:25Z`), and the server's clock from its `Date` header when
    /// it sent one (what the poller's next `since` is based on, so a skewed clock loses nothing).
    ///
    /// An element that carries no leg data is a reference only; ``FLSFlightDetails/legs`` is
    /// then empty and the caller fetches it with ``flight(id:)``.
    public func modifiedFlights(since: Date) async throws(FLSError) -> (flights: [FLSFlightDetails], serverDate: Date?) {
        let stamp = FLSDateTime(since).text
        let reply = try await get("/api/v1/flights/exchange/modified/\(stamp)", as: [FLSFlightDetails].self)
        return (reply.value, reply.serverDate)
    }

    // MARK: - Helpers

    func get<T: Decodable>(_ path: String, as: T.Type) async throws(FLSError) -> (value: T, serverDate: Date?) {
        guard let bearer = token.withLockedValue({ $0?.value }) else {
            throw FLSError(.unauthorized, path: Self.template(path), message: "no token yet")
        }
        let request = HTTPRequest(method: .get, url: baseURL + path,
                                  headers: [("Accept", "application/json"), ("Authorization", "Bearer " + bearer)],
                                  timeout: timeout, maxResponseBytes: 32 << 20)
        let shown = Self.template(path)
        let response = try await send(request, path: shown)
        switch response.status {
        case 200...299: break
        case 401:
            token.withLockedValue { $0 = nil }
            throw FLSError(.unauthorized, path: shown, message: "the token was refused; a new one is fetched next time")
        case 404: throw FLSError(.notFound, path: shown)
        default: try Self.throwStatus(response, path: shown, now: now())
        }
        do {
            let value = try JSONDecoder().decode(T.self, from: Data(response.body))
            let date = response.headers.first { $0.name == "date" }.flatMap { RetryAfter.httpDate($0.value) }
            return (value, date)
        } catch {
            throw FLSError(.decoding, path: shown, message: Self.describe(error))
        }
    }

    private func send(_ request: HTTPRequest, path: String) async throws(FLSError) -> HTTPResponse {
        do {
            return try await transport.send(request)
        } catch let error as HTTPTransportError {
            throw FLSError(.transport(error.kind), path: path, message: error.message)
        } catch is CancellationError {
            throw FLSError(.transport(.cancelled), path: path, message: "cancelled")
        } catch {
            throw FLSError(.transport(.other), path: path, message: String(describing: type(of: error)))
        }
    }

    static func throwStatus(_ response: HTTPResponse, path: String, now: Date) throws(FLSError) -> Never {
        if response.status == 429 || response.status == 503,
           let retry = response.headers.first(where: { $0.name == "retry-after" }) {
            throw FLSError(.rateLimited(retryAfter: RetryAfter.delay(retry.value, now: now)?.timeInterval), path: path, message: "HTTP \(response.status)")
        }
        if response.status == 429 { throw FLSError(.rateLimited(retryAfter: nil), path: path, message: "HTTP 429") }
        throw FLSError(.httpStatus(response.status), path: path)
    }

    /// The path with ids and times replaced by their names, for errors and metrics.
    static func template(_ path: String) -> String {
        if path.hasPrefix("/api/v1/flights/exchange/modified/") { return "/api/v1/flights/exchange/modified/{since}" }
        if path.hasPrefix("/api/v1/flights/") { return "/api/v1/flights/{flightId}" }
        return path
    }

    static func describe(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "invalid JSON" }
        switch e {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            let at = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            return "\(at.isEmpty ? "body" : at): \(c.debugDescription)"
        @unknown default: return "invalid JSON"
        }
    }

    /// `application/x-www-form-urlencoded` value encoding.
    static func formEncode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "*"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "): out += "+"
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
