import Foundation
import SquawkHTTP

/// One Live API request, described as data: method, path, query, body, and how to read the
/// `result`. ``LiveAPIClient/fetch(_:)`` performs it; the catalog of every endpoint is
/// ``LiveAPIEndpoints``.
public struct LiveAPIEndpoint<Result: Sendable>: Sendable {
    /// A short stable name for logs and metrics (`flights`, `atis`, …).
    public var name: String
    public var method: HTTPMethod
    /// Path components after `/public/v2`, not yet percent-encoded.
    public var path: [String]
    /// Query parameters, not yet percent-encoded. Never the API key.
    public var query: [(name: String, value: String)]
    /// JSON request body (for `POST /users`).
    public var body: [UInt8]?
    /// What `errorCode` 7 (NoAtisAvailable) yields instead of an error; only the ATIS endpoint
    /// sets it.
    var resultWhenNoAtis: Result?
    /// Decodes a whole response body into its envelope.
    let decodeBody: @Sendable (JSONDecoder, Data) throws -> LiveAPIEnvelope<Result>

    init(
        name: String, method: HTTPMethod = .get, path: [String],
        query: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        resultWhenNoAtis: Result? = nil,
        decodeBody: @escaping @Sendable (JSONDecoder, Data) throws -> LiveAPIEnvelope<Result>
    ) {
        self.name = name
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.resultWhenNoAtis = resultWhenNoAtis
        self.decodeBody = decodeBody
    }

    /// An endpoint whose `result` decodes directly as `Result`.
    init(
        name: String, method: HTTPMethod = .get, path: [String],
        query: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        resultWhenNoAtis: Result? = nil
    ) where Result: Decodable {
        self.init(name: name, method: method, path: path, query: query, body: body, resultWhenNoAtis: resultWhenNoAtis) {
            try $0.decode(LiveAPIEnvelope<Result>.self, from: $1)
        }
    }

    // MARK: - URL

    /// The percent-encoded path, `/public/v2/…`; what errors name (no host, no query).
    public var encodedPath: String {
        "/public/v2" + path.map { "/" + Self.percentEncode($0) }.joined()
    }

    /// The query string without `?` (empty when there is none).
    public var encodedQuery: String {
        query.map { Self.percentEncode($0.name) + "=" + Self.percentEncode($0.value) }.joined(separator: "&")
    }

    /// Whether every path component can be sent: not empty, not `.` or `..` (which would
    /// climb out of the endpoint's path once the URL is normalised).
    var hasValidPath: Bool {
        path.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters, so an id can never
    /// add a path segment, a query or a fragment.
    static func percentEncode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0xF)]))
            }
        }
        return out
    }
}
