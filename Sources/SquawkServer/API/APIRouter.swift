import Hummingbird
import NIOConcurrencyHelpers
import SquawkCore

/// Builds the router of Squawk's HTTP API: `/v1` (authenticated), `/openapi.json`, health.
public enum APIRouter {
    /// The router and the table of the routes it serves (for the OpenAPI completeness test).
    public static func make(_ deps: APIDependencies, flights: any LiveFlightDirectory = EmptyFlightDirectory(),
                            airlines: AirlineDirectory = .standard) -> (router: Router<APIContext>, routes: [RouteTable.Route]) {
        let router = Router(context: APIContext.self)
        let recorded = NIOLockedValueBox<[RouteTable.Route]>([])
        router.add(middleware: ProblemMiddleware(routes: { recorded.withLockedValue { $0 } }))
        let open = RouteTable(group: router.group(), prefix: "", recorded: recorded)
        open.on(.get, "openapi.json", responses: [200]) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.data)))
        }
        open.on(.get, "healthz", responses: [200]) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        StatusRoutes(deps: deps).registerOpen(on: open)
        let v1 = RouteTable(group: router.group("v1").add(middleware: AuthMiddleware(keys: deps.keys, adminKeyHash: deps.adminKeyHash)), prefix: "v1",
                            recorded: recorded, implicitResponses: [401, 503], strictQuery: true)
        SubscriptionRoutes(deps: deps).register(on: v1)
        DeliveryRoutes(deps: deps).register(on: v1)
        StatusRoutes(deps: deps).register(on: v1)
        KeyRoutes(deps: deps).register(on: v1)
        let flifo = RouteTable(group: router.group().add(middleware: AuthMiddleware(keys: deps.keys, adminKeyHash: deps.adminKeyHash)), prefix: "",
                               recorded: recorded, implicitResponses: [401])
        FlifoRoutes(deps: deps, directory: flights, airlines: airlines).register(on: flifo)
        return (router, recorded.withLockedValue { $0 })
    }
}
