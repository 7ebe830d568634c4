import SquawkHTTP

/// Everything ``FLSClient`` throws: a code, the path it concerned (never a host, query,
/// credential or token) and a short message.
public struct FLSError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// `POST /Token` refused the credentials (HTTP 400 `invalid_grant`, or 401).
        case badCredentials
        /// A data request answered 401: the token expired or was revoked (it is dropped).
        case unauthorized
        case notFound
        case rateLimited(retryAfter: Double?)
        case httpStatus(Int)
        case transport(HTTPTransportError.Kind)
        case decoding
        case invalidRequest
    }

    public var code: Code
    public var path: String
    public var message: String

    public init(_ code: Code, path: String, message: String = "") {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String {
        "FLS \(path): \(code)" + (message.isEmpty ? "" : " – \(message)")
    }
}
