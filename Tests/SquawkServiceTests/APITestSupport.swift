import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SquawkConsole
import SquawkCore
import SquawkServer
import SquawkSQLite
import SquawkStore
import Testing

/// An API application over a fresh temporary SQLite store, with two keys: the admin key and a
/// second user's key.
struct APIHarness {
    static let adminKey = "sqk_admin_test_key"
    static let otherKey = "sqk_other_test_key"
    let store: SQLiteStore
    let app: Application<RouterResponder<APIContext>>
    let routes: [RouteTable.Route]

    init(flights: any LiveFlightDirectory = EmptyFlightDirectory(), allowList: [String] = [], flsInstances: Set<String> = [],
         configure: (inout APIDependencies) -> Void = { _ in }, extra: (Router<APIContext>) -> Void = { _ in }, console: Bool = false) async throws {
        store = try SQLiteStore.temporary()
        try await store.insertKey(APIKeyRecord(id: "key_other", name: "other", prefix: "sqk_othe", hash: KeyHash.sha256Hex(Self.otherKey), createdAt: Date()))
        let rules = SubscriptionRules(endpointPolicy: EndpointPolicy(allowList: allowList.compactMap { IPRange(cidr: $0) }),
                                      flsInstances: flsInstances)
        var deps = APIDependencies(subscriptions: store, keys: store, rules: rules, adminKeyHash: KeyHash.sha256Hex(Self.adminKey), deliveries: store)
        configure(&deps)
        let (router, routes) = APIRouter.make(deps, flights: flights)
        if console {
            try await WebConsole(api: APIRouter.make(deps, flights: flights).router, flights: flights, feed: nil).register(on: router)
        }
        extra(router)
        self.routes = routes
        app = Application(router: router)
    }

    static func json(_ s: String) -> ByteBuffer { ByteBuffer(string: s) }

    static func headers(key: String? = adminKey, _ extra: [(HTTPField.Name, String)] = []) -> HTTPFields {
        var h = HTTPFields()
        if let key { h[.authorization] = "Bearer \(key)" }
        h[.contentType] = "application/json"
        for (n, v) in extra { h[n] = v }
        return h
    }
}

extension TestResponse {
    /// The body as a JSON object.
    func object() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
    }

    /// The problem document's `code`.
    func problemCode() throws -> String? {
        #expect(headers[.contentType] == "application/problem+json")
        return try object()["code"] as? String
    }
}

/// A create body for a callsign subscription to `endpoint`.
func createBody(endpoint: String = "https://hooks.example.com/squawk", callsign: String = "DAL40", extra: String = "") -> String {
    #"{"target": {"kind": "callsign", "id": "\#(callsign)"}, "events": ["flight.takeoff", "flight.landing"], "notifyEndpoint": "\#(endpoint)", "format": "json"\#(extra)}"#
}
