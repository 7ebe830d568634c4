import Foundation
import Hummingbird
import SquawkCore
import SquawkStore

/// An error answered as `application/problem+json` (RFC 9457) with a stable `code`.
/// Every failure of the API becomes one of these in ``ProblemMiddleware`` — the one place where
/// domain errors meet HTTP.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    /// Seconds for a `Retry-After` header (429s).
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    static func notFound(_ what: String) -> APIError { APIError(.notFound, "not_found", "\(what) not found") }

    /// The problem document.
    struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var code: String
        var detail: String
        var field: String?
    }

    func response() -> Response {
        let body = Body(type: "https://squawk.dev/problems/\(code)", title: status.reasonPhrase, status: status.code,
                        code: code, detail: message, field: field)
        let data = (try? JSONEncoder.api.encode(body)) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Maps any error to an API error. Unknown errors are a 500 with no detail (never a leak).
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as ValidationError:
            let status: HTTPResponse.Status = e.code == "server_subscriptions_disabled" ? .forbidden : .unprocessableContent
            return APIError(status, e.code, e.message, field: e.field)
        case let e as StoreError:
            switch e.code {
            case .notFound: return APIError(.notFound, "not_found", e.message)
            case .conflict: return APIError(.conflict, "conflict", e.message)
            case .constraint: return APIError(.unprocessableContent, "constraint_violated", e.message)
            case .unavailable: return APIError(.serviceUnavailable, "store_unavailable", "the database is unavailable; retry later")
            // Pollers only; no route writes under a lease.
            case .notLeader: return APIError(.serviceUnavailable, "not_leader", "this instance does not lead the job; retry later")
            }
        case let e as any HTTPResponseError:
            let status = e.status
            let code: String = switch status.code {
            case 400: "bad_request"
            case 404: "route_not_found"
            case 405: "method_not_allowed"
            case 413: "body_too_large"
            default: "http_\(status.code)"
            }
            let message: String = switch status.code {
            case 404: "no such route"
            case 405: "method not allowed on this route"
            case 413: "the request body is too large"
            default: status.reasonPhrase
            }
            return APIError(status, code, message)
        default:
            return APIError(.internalServerError, "internal_error", "an internal error occurred")
        }
    }
}

/// Turns every thrown error into a problem response.
///
/// With the route table it also tells a wrong method (405 with `Allow`) from a missing route (404).
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: @Sendable () -> [RouteTable.Route]

    public init(routes: @escaping @Sendable () -> [RouteTable.Route] = { [] }) { self.routes = routes }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var api = APIError.from(error)
            if api.status == .notFound, api.code == "route_not_found" {
                let allowed = RouteTable.methods(allowedAt: request.uri.path, in: routes())
                if !allowed.isEmpty {
                    api = APIError(.methodNotAllowed, "method_not_allowed", "\(request.method.rawValue) is not allowed here; use \(allowed.joined(separator: ", "))")
                    var response = api.response()
                    response.headers[.allow] = allowed.joined(separator: ", ")
                    return response
                }
            }
            if api.status == .internalServerError {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
            return api.response()
        }
    }
}

extension JSONEncoder {
    /// The API's encoder: ISO 8601 dates, sorted keys (stable bytes), no escaped slashes. One
    /// shared instance (Foundation's encoder is safe to share; setting one up per response cost
    /// more than encoding a subscription).
    static let api: JSONEncoder = makeAPI()

    private static func makeAPI() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .custom { date, enc in
            var c = enc.singleValueContainer()
            try c.encode(ISO8601.format(date))
        }
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
