import Foundation
import SquawkCore
import SquawkHTTP

/// The typed Infinite Flight Live API v2 client, over any ``HTTPTransport``.
///
/// Every endpoint of the seeds has one method (`LiveAPIClient+Endpoints.swift`); each is a
/// thin call to ``fetch(_:)`` with a ``LiveAPIEndpoints`` description, which also returns the
/// response's size and latency for the poller's metrics.
///
/// The API key travels only as `Authorization: Bearer …`, never in a URL; it is held as a
/// ``LiveAPIKey`` so printing the client does not reveal it. Every failure is a
/// ``LiveAPIError``.
public struct LiveAPIClient: Sendable {
    /// The public Live API.
    public static let defaultBaseURL = "https://api.infiniteflight.com"

    // MARK: - Configuration

    public var transport: any HTTPTransport
    /// Scheme, host and optional path prefix; `/public/v2/…` is appended. A simulator on
    /// loopback is `http://127.0.0.1:PORT`.
    public var baseURL: String
    public var apiKey: LiveAPIKey
    /// Limit for the whole exchange of one request.
    public var timeout: Duration
    public var connectTimeout: Duration
    /// Largest response accepted. A busy server's flights list is several MiB.
    public var maxResponseBytes: Int
    /// The clock used only to turn an HTTP-date `Retry-After` into a delay.
    public var now: @Sendable () -> Date

    public init(
        apiKey: String,
        transport: any HTTPTransport,
        baseURL: String = LiveAPIClient.defaultBaseURL,
        timeout: Duration = .seconds(20),
        connectTimeout: Duration = .seconds(5),
        maxResponseBytes: Int = 32 << 20,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.transport = transport
        self.baseURL = baseURL
        self.apiKey = LiveAPIKey(apiKey)
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        self.now = now
    }

    // MARK: - Performing a request

    /// Performs `endpoint` and returns its result with the response's size and latency.
    ///
    /// - HTTP 2xx with `errorCode` 0 → the decoded `result`.
    /// - HTTP 2xx with `errorCode` ≠ 0 → ``LiveAPIError`` with that code, except 7
    ///   (NoAtisAvailable) on the ATIS endpoint, which is the result `nil`.
    /// - HTTP 429 → ``LiveAPIError/Code/rateLimited(retryAfter:)`` with the `Retry-After` delay.
    /// - Other statuses → the body's `errorCode` if it has a non-zero one, else
    ///   ``LiveAPIError/Code/httpStatus(_:)``.
    public func fetch<Result>(_ endpoint: LiveAPIEndpoint<Result>) async throws(LiveAPIError) -> LiveAPIReply<Result> {
        let path = endpoint.encodedPath
        guard endpoint.hasValidPath else {
            throw LiveAPIError(.invalidRequest, endpoint: path, message: "empty or relative path component")
        }
        let response = try await send(request(for: endpoint), path: path)

        if response.status == 429 {
            let delay = response.header("retry-after").flatMap { RetryAfter.delay($0, now: now()) }
            throw LiveAPIError(.rateLimited(retryAfter: delay), endpoint: path, status: 429,
                               message: "request budget exceeded")
        }
        guard (200...299).contains(response.status) else {
            let code = Self.errorCode(in: response.body).map(LiveAPIError.Code.init(errorCode:))
            throw LiveAPIError(code ?? .httpStatus(response.status), endpoint: path, status: response.status)
        }

        let envelope: LiveAPIEnvelope<Result>
        do {
            envelope = try endpoint.decodeBody(LiveAPIDate.makeDecoder(), Data(response.body))
        } catch {
            throw LiveAPIError(.decoding, endpoint: path, status: response.status, message: Self.describe(error))
        }
        let value: Result
        switch envelope.errorCode {
        case 0:
            guard let result = envelope.result else {
                throw LiveAPIError(.decoding, endpoint: path, status: response.status, message: "no result")
            }
            value = result
        case 7 where endpoint.resultWhenNoAtis != nil:
            value = endpoint.resultWhenNoAtis!
        case let code:
            throw LiveAPIError(.init(errorCode: code), endpoint: path, status: response.status)
        }
        return LiveAPIReply(value: value, status: response.status, byteCount: response.body.count, elapsed: response.elapsed)
    }

    /// The HTTP request for `endpoint`: bearer auth, JSON accept, limits of this client.
    public func request<Result>(for endpoint: LiveAPIEndpoint<Result>) -> HTTPRequest {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        url += endpoint.encodedPath
        let query = endpoint.encodedQuery
        if !query.isEmpty { url += "?" + query }

        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if !apiKey.isEmpty { headers.append(("Authorization", apiKey.bearerHeaderValue)) }
        if endpoint.body != nil { headers.append(("Content-Type", "application/json")) }
        return HTTPRequest(
            method: endpoint.method, url: url, headers: headers, body: endpoint.body,
            connectTimeout: connectTimeout, timeout: timeout, maxResponseBytes: maxResponseBytes)
    }

    // MARK: - Helpers

    /// Sends through the transport, turning every failure into a ``LiveAPIError``.
    private func send(_ request: HTTPRequest, path: String) async throws(LiveAPIError) -> HTTPResponse {
        do {
            return try await transport.send(request)
        } catch let error as HTTPTransportError {
            throw LiveAPIError(.transport(error.kind), endpoint: path, message: error.message)
        } catch is CancellationError {
            throw LiveAPIError(.transport(.cancelled), endpoint: path, message: "cancelled")
        } catch {
            throw LiveAPIError(.transport(.other), endpoint: path, message: String(describing: type(of: error)))
        }
    }

    /// The non-zero `errorCode` of an error body, if it is a Live API envelope.
    private static func errorCode(in body: [UInt8]) -> Int? {
        struct Probe: Decodable { var errorCode: Int }
        guard let probe = try? JSONDecoder().decode(Probe.self, from: Data(body)), probe.errorCode != 0 else {
            return nil
        }
        return probe.errorCode
    }

    /// A one-line account of a decoding failure: where, and what was expected.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: type(of: error)) }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key \(path(context)).\(key.stringValue)"
        case .typeMismatch(let type, let context):
            return "expected \(type) at \(path(context)): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "null where \(type) expected at \(path(context))"
        case .dataCorrupted(let context):
            return "invalid data at \(path(context)): \(context.debugDescription)"
        @unknown default:
            return "undecodable body"
        }
    }
}

// MARK: - CustomStringConvertible

extension LiveAPIClient: CustomStringConvertible {
    /// Names the base URL only; the key is never printed.
    public var description: String { "LiveAPIClient(\(baseURL))" }
}
