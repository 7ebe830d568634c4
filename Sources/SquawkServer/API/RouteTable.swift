import Hummingbird
import NIOConcurrencyHelpers

/// Registers routes on a router group and remembers them, so a test can check that the OpenAPI
/// document describes every route the server really has.
public final class RouteTable {
    /// A registered route: method and OpenAPI-style path (`/v1/subscriptions/{id}`).
    public struct Route: Hashable, Sendable, CustomStringConvertible {
        public var method: String
        public var path: String
        public var description: String { "\(method) \(path)" }
    }

    private let group: RouterGroup<APIContext>
    private let prefix: String
    private let recorded: NIOLockedValueBox<[Route]>

    init(group: RouterGroup<APIContext>, prefix: String, recorded: NIOLockedValueBox<[Route]> = .init([])) {
        self.group = group
        self.prefix = prefix
        self.recorded = recorded
    }

    /// Every route registered so far.
    public var routes: [Route] { recorded.withLockedValue { $0 } }

    func on(_ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Request, APIContext) async throws -> Response) {
        group.on(RouterPath(path), method: method, use: handler)
        let openAPIPath = (prefix + "/" + path).split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
        recorded.withLockedValue { $0.append(Route(method: method.rawValue, path: "/" + openAPIPath.joined(separator: "/"))) }
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
