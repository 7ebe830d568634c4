import Foundation
import SquawkHTTP

/// Why a Live API call gave no result.
///
/// The API reports failures in the body as `errorCode` — often with HTTP 200 — and the budget
/// with HTTP 429. Both, and the failures on our side (transport, decoding, a request we refuse
/// to send), arrive here as one struct with a ``Code``.
///
/// Safe to log: it never holds the API key, a header or a response body (a decoding failure
/// may quote the one offending value); `endpoint` is the path without host or query.
public struct LiveAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    // MARK: - Code

    /// What went wrong. The first cases are the API's own `errorCode` values.
    public enum Code: Sendable, Hashable {
        /// `errorCode` 1.
        case userNotFound
        /// `errorCode` 2.
        case missingRequestParameters
        /// `errorCode` 3: the API failed internally.
        case endpointError
        /// `errorCode` 4: the key is wrong, revoked or lacks access.
        case notAuthorized
        /// `errorCode` 5: no such session (server).
        case serverNotFound
        /// `errorCode` 6: the flight is not (or no longer) in the session.
        case flightNotFound
        /// `errorCode` 7 outside the ATIS endpoint (where it means "no ATIS" and is not an error).
        case noAtisAvailable
        /// An `errorCode` this client does not know.
        case unknown(Int)
        /// HTTP 429: over the request budget. `retryAfter` is the `Retry-After` delay if sent.
        case rateLimited(retryAfter: Duration?)
        /// Any other non-2xx status without a readable `errorCode`.
        case httpStatus(Int)
        /// The body was not the JSON the endpoint promises.
        case decoding
        /// No HTTP response at all (timeout, refused connection, oversize body, cancellation).
        case transport(HTTPTransportError.Kind)
        /// The client refused to send the request (e.g. more than 25 ids to `/users`).
        case invalidRequest

        /// The code for a non-zero API `errorCode`.
        public init(errorCode: Int) {
            switch errorCode {
            case 1: self = .userNotFound
            case 2: self = .missingRequestParameters
            case 3: self = .endpointError
            case 4: self = .notAuthorized
            case 5: self = .serverNotFound
            case 6: self = .flightNotFound
            case 7: self = .noAtisAvailable
            default: self = .unknown(errorCode)
            }
        }

        /// The API's `errorCode` for this code, if it is one of the API's.
        public var errorCode: Int? {
            switch self {
            case .userNotFound: 1
            case .missingRequestParameters: 2
            case .endpointError: 3
            case .notAuthorized: 4
            case .serverNotFound: 5
            case .flightNotFound: 6
            case .noAtisAvailable: 7
            case .unknown(let n): n
            case .rateLimited, .httpStatus, .decoding, .transport, .invalidRequest: nil
            }
        }
    }

    // MARK: - Fields

    public var code: Code
    /// The request path (e.g. `/public/v2/sessions/…/flights`); never a host, query or key.
    public var endpoint: String
    /// The HTTP status, when a response arrived.
    public var status: Int?
    /// Human-readable detail, written by this client (a decoding failure names the field and
    /// may quote its value; never a header, never the key).
    public var message: String

    public init(_ code: Code, endpoint: String, status: Int? = nil, message: String = "") {
        self.code = code
        self.endpoint = endpoint
        self.status = status
        self.message = message
    }

    /// The `Retry-After` delay of a ``Code/rateLimited(retryAfter:)`` error.
    public var retryAfter: Duration? {
        if case .rateLimited(let delay) = code { delay } else { nil }
    }

    /// Whether trying the same request later may succeed (budget, server trouble, network).
    public var isTransient: Bool {
        switch code {
        case .rateLimited, .endpointError, .transport: true
        case .httpStatus(let s): s >= 500
        default: false
        }
    }

    public var description: String {
        var text = "Live API \(endpoint): \(code)"
        if let status { text += " (HTTP \(status))" }
        if !message.isEmpty { text += ": \(message)" }
        return text
    }
}
