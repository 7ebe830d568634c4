import Hummingbird
import Logging
import NIOConcurrencyHelpers

/// Registers routes on a router group and remembers them, so a test can check that the OpenAPI
/// document describes every route the server really has.
public final class RouteTable {
    /// A registered route: method, OpenAPI-style path (`/v1/subscriptions/{id}`), the query and
    /// header parameters it reads and every status it can answer with. The agreement test compares
    /// each of these with `openapi.json`, in both directions.
    public struct Route: Hashable, Sendable, CustomStringConvertible {
        public var method: String
        public var path: String
        public var query: Set<String> = []
        public var headers: Set<String> = []
        public var responses: Set<Int> = []
        public var description: String { "\(method) \(path)" }
    }

    /// Statuses a route answered with although it does not declare them (each as "route status").
    /// Empty in a correct build; the agreement test drives every route and checks it stays so.
    public static let undeclaredResponses = NIOLockedValueBox<Set<String>>([])

    private let group: RouterGroup<APIContext>
    private let prefix: String
    private let recorded: NIOLockedValueBox<[Route]>

    /// Statuses every route of this table can answer with besides its own (`401` behind the
    /// auth middleware, `400` where unknown query parameters are refused).
    private let implicitResponses: Set<Int>
    /// Whether a query parameter the route does not declare is a `400 unknown_parameter`
    /// (the `/v1` API: a misspelt `?dryrun=true` must not silently create a subscription). FLIFO
    /// routes accept FLIFO's own extra parameters (`appId`, `appKey`) and stay lenient.
    private let strictQuery: Bool

    init(group: RouterGroup<APIContext>, prefix: String, recorded: NIOLockedValueBox<[Route]> = .init([]),
         implicitResponses: Set<Int> = [], strictQuery: Bool = false) {
        self.group = group
        self.prefix = prefix
        self.recorded = recorded
        self.implicitResponses = strictQuery ? implicitResponses.union([400]) : implicitResponses
        self.strictQuery = strictQuery
    }

    /// Every route registered so far.
    public var routes: [Route] { recorded.withLockedValue { $0 } }

    func on(_ method: HTTPRequest.Method, _ path: String, query: Set<String> = [], headers: Set<String> = [], responses: Set<Int>,
            _ handler: @escaping @Sendable (Request, APIContext) async throws -> Response) {
        let openAPIPath = (prefix + "/" + path).split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
        let route = Route(method: method.rawValue, path: "/" + openAPIPath.joined(separator: "/"), query: query, headers: headers,
                          responses: responses.union(implicitResponses))
        let strictQuery = self.strictQuery
        group.on(RouterPath(path), method: method) { request, context in
            if strictQuery {
                for (name, _) in request.uri.queryParameters where !route.query.contains(String(name)) {
                    let allowed = route.query.isEmpty ? "this route takes none" : "allowed: " + route.query.sorted().joined(separator: ", ")
                    throw APIError(.badRequest, "unknown_parameter", "unknown query parameter \"\(name)\"; \(allowed)", field: String(name))
                }
            }
            do {
                let response = try await handler(request, context)
                Self.check(route, response.status.code, logger: context.logger)
                return response
            } catch {
                Self.check(route, APIError.from(error).status.code, logger: context.logger)
                throw error
            }
        }
        recorded.withLockedValue { $0.append(route) }
    }

    private static func check(_ route: Route, _ status: Int, logger: Logger) {
        guard !route.responses.contains(status), status != 500 else { return }
        logger.error("route answered with a status it does not declare", metadata: ["route": "\(route)", "status": "\(status)"])
        undeclaredResponses.withLockedValue { _ = $0.insert("\(route) \(status)") }
    }

    /// The methods registered for a concrete path (`{param}` segments match any one segment).
    public static func methods(allowedAt path: String, in routes: [Route]) -> [String] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        let methods = routes.filter { route in
            let template = route.path.split(separator: "/", omittingEmptySubsequences: true)
            guard template.count == parts.count else { return false }
            return zip(template, parts).allSatisfy { t, p in t.hasPrefix("{") || t == p }
        }.map(\.method)
        return Array(Set(methods)).sorted()
    }
}
