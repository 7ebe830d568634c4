import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import SquawkCore
import SquawkServer
import SquawkStore
import Testing

/// `openapi.json` is the contract; the routes are written by hand. These tests fail when a route,
/// a parameter, a status code or a schema field exists on one side and not the other.
@Suite("OpenAPI document and routes agree")
struct OpenAPIAgreementTests {
    nonisolated(unsafe) static let doc: [String: Any] = (try? JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any]) ?? [:]

    static func operations() -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for (path, item) in doc["paths"] as? [String: [String: Any]] ?? [:] {
            let shared = item["parameters"] as? [[String: Any]] ?? []
            for (method, value) in item where method != "parameters" {
                guard var op = value as? [String: Any] else { continue }
                op["parameters"] = shared + (op["parameters"] as? [[String: Any]] ?? [])
                result["\(method.uppercased()) \(path)"] = op
            }
        }
        return result
    }

    @Test("every route is in the document and every operation of the document is a route")
    func routesBothWays() async throws {
        let h = try await APIHarness()
        let registered = Set(h.routes.map(\.description))
        let documented = Set(Self.operations().keys)
        #expect(registered.count >= 17)
        #expect(registered.subtracting(documented).isEmpty, "routes missing from openapi.json: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty, "operations the server does not have: \(documented.subtracting(registered).sorted())")
    }

    @Test("path, query and header parameters and status codes agree, route by route")
    func parametersAndStatuses() async throws {
        let h = try await APIHarness()
        let ops = Self.operations()
        for route in h.routes {
            let op = try #require(ops[route.description], "\(route)")
            let params = op["parameters"] as? [[String: Any]] ?? []
            func names(_ location: String) -> Set<String> {
                Set(params.filter { $0["in"] as? String == location }.compactMap { $0["name"] as? String })
            }
            let pathParams = Set(route.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
            #expect(names("path") == pathParams, "\(route): path parameters")
            #expect(names("query") == route.query, "\(route): query parameters")
            #expect(Set(names("header").map { $0.lowercased() }) == Set(route.headers.map { $0.lowercased() }), "\(route): header parameters")
            let statuses = Set((op["responses"] as? [String: Any] ?? [:]).keys.compactMap(Int.init))
            #expect(statuses == route.responses, "\(route): documented \(statuses.sorted()), declared \(route.responses.sorted())")
        }
    }

    @Test("request bodies: the document's fields are the fields the parser accepts")
    func requestFields() throws {
        #expect(Self.properties("SubscriptionCreate") == SubscriptionRequest.fields)
        #expect(Self.properties("SubscriptionPatch") == SubscriptionRequest.fields)
        #expect(Self.properties("Target") == ["kind", "id"])
        #expect(Self.properties("Filters") == Set(SubscriptionFilters.keys))
        let landing = try #require(Self.schema("Filters")?["properties"] as? [String: Any])["landing"] as? [String: Any]
        #expect(Set((landing?["properties"] as? [String: Any] ?? [:]).keys) == Set(SubscriptionFilters.Landing.keys))
    }

    @Test("response bodies: every field sent is documented, every documented field is sent, and no route answers an undeclared status")
    func responseFields() async throws {
        let h = try await APIHarness()
        let answers = try await h.app.test(.router) { client -> [Answer] in
            var answers: [Answer] = []
            let full = createBody(extra: #", "server": "Expert Server", "description": "all fields", "metadata": {"team": "a"}, "expiresAt": "2099-01-01T00:00:00Z", "filters": {"virtualOrganization": "DAL", "origin": ["KLAX"], "destination": ["KJFK"], "aircraft": ["Airbus A350"], "landing": {"maxVerticalSpeed": -600, "minVerticalSpeed": -2000, "minGroundSpeed": 50, "maxGroundSpeed": 200}}"#)
            let airport = #"{"target": {"kind": "airport", "id": "KLAX"}, "events": ["atc.opened", "flight.takeoff"], "notifyEndpoint": "https://hooks.example.com/a", "format": "json", "filters": {"frequencyTypes": ["tower"], "direction": "departures"}}"#
            answers.append(try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(airport)) { r in
                #expect(r.status == .created, "\(String(buffer: r.body))")
                return Answer(.post, "/v1/subscriptions", r)
            })
            answers.append(try await client.execute(uri: "/v1/subscriptions?dryRun=true", method: .post, headers: APIHarness.headers(), body: APIHarness.json(full)) {
                Answer(.post, "/v1/subscriptions", $0)
            })
            let (id, created) = try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(full)) { r in
                (try #require(try r.object()["id"] as? String), Answer(.post, "/v1/subscriptions", r))
            }
            answers.append(created)
            let sub = "/v1/subscriptions/{id}"
            let calls: [(HTTPRequest.Method, String, String, String?)] = [
                (.post, "/v1/subscriptions", "/v1/subscriptions", #"{"target": 1}"#),
                (.post, "/v1/subscriptions", "/v1/subscriptions?dryrun=true", createBody()),
                (.get, "/v1/subscriptions", "/v1/subscriptions?limit=1", nil),
                (.get, "/v1/subscriptions", "/v1/subscriptions?limit=zero", nil),
                (.get, sub, "/v1/subscriptions/\(id)", nil),
                (.get, sub, "/v1/subscriptions/sub_missing", nil),
                (.patch, sub, "/v1/subscriptions/\(id)", #"{"description": "changed"}"#),
                (.patch, sub, "/v1/subscriptions/\(id)", #"{"format": "nope"}"#),
                (.post, sub + "/rotate-secret", "/v1/subscriptions/\(id)/rotate-secret", "{}"),
                (.post, sub + "/enable", "/v1/subscriptions/\(id)/enable", nil),
                (.post, sub + "/test", "/v1/subscriptions/\(id)/test", nil),
                (.get, sub + "/deliveries", "/v1/subscriptions/\(id)/deliveries", nil),
                (.post, sub + "/recover", "/v1/subscriptions/\(id)/recover?since=2020-01-01T00:00:00Z", nil),
                (.post, sub + "/recover", "/v1/subscriptions/\(id)/recover", nil),
                (.get, "/v1/status", "/v1/status", nil),
                (.get, "/readyz", "/readyz", nil),
                (.get, "/healthz", "/healthz", nil),
                (.get, "/flifo/v3/flight/{airport}/{airline}/{flightNumber}/{adi}", "/flifo/v3/flight/KLAX/DAL/40/D", nil),
                (.get, "/flifo/v3/flight/{airport}/{airline}/{flightNumber}/{adi}", "/flifo/v3/flight/KLAX/DAL/40/X", nil),
            ]
            for (method, template, uri, body) in calls {
                answers.append(try await client.execute(uri: uri, method: method, headers: APIHarness.headers(), body: body.map(APIHarness.json)) {
                    Answer(method, template, $0)
                })
            }
            let deliveryId = try await client.execute(uri: "/v1/subscriptions/\(id)/deliveries", method: .get, headers: APIHarness.headers()) { r in
                try #require((try r.object()["data"] as? [[String: Any]])?.first?["id"] as? String)
            }
            for (method, template, uri, key) in [(HTTPRequest.Method.get, "/v1/deliveries/{id}", "/v1/deliveries/\(deliveryId)", APIHarness.adminKey),
                                                 (.post, "/v1/deliveries/{id}/redeliver", "/v1/deliveries/\(deliveryId)/redeliver", APIHarness.adminKey),
                                                 (.get, "/v1/deliveries/{id}", "/v1/deliveries/dlv_missing", APIHarness.adminKey),
                                                 (.delete, sub, "/v1/subscriptions/\(id)", APIHarness.adminKey),
                                                 (.get, sub, "/v1/subscriptions/\(id)", APIHarness.adminKey),
                                                 (.get, "/v1/status", "/v1/status", "sqk_wrong")] {
                answers.append(try await client.execute(uri: uri, method: method, headers: APIHarness.headers(key: key)) { Answer(method, template, $0) })
            }
            return answers
        }
        let ops = Self.operations()
        var seen: [String: Set<String>] = [:]
        var undocumented: [String] = []
        for a in answers {
            let op = ops["\(a.method.rawValue) \(a.template)"]
            guard let response = (op?["responses"] as? [String: Any])?[String(a.status)] as? [String: Any] else {
                undocumented.append("\(a.method) \(a.template) \(a.status)")
                continue
            }
            let content = Self.resolve(response)["content"] as? [String: Any]
            let json = content?["application/json"] ?? content?["application/problem+json"]
            guard let schema = (json as? [String: Any])?["schema"] as? [String: Any], !a.body.isEmpty,
                  let body = try? JSONSerialization.jsonObject(with: a.body, options: [.fragmentsAllowed]) else { continue }
            Self.walk(body, schema, at: "\(a.method) \(a.template)", seen: &seen, undocumented: &undocumented)
        }
        #expect(undocumented.isEmpty, "answers the document does not describe: \(undocumented)")
        #expect(RouteTable.undeclaredResponses.withLockedValue { $0 }.isEmpty)
        // Every documented field of every schema the answers used was sent at least once. Fields
        // that only a state this sweep cannot reach carries are named here, each with its reason.
        let unreachable: Set<String> = [
            "Delivery.lastAttemptAt", "Delivery.nextAttemptAt", "Delivery.responseStatus", "Delivery.error",  // no attempt is made without a dispatcher
            "Subscription.disabledReason",  // set only when deliveries disable a subscription
        ]
        for (schemaName, keys) in seen.sorted(by: { $0.key < $1.key }) {
            for property in Self.properties(schemaName).subtracting(keys) where !unreachable.contains("\(schemaName).\(property)") {
                Issue.record("\(schemaName).\(property) is documented but no answer carried it")
            }
        }
    }

    /// One answer of the sweep: the operation it came from, its status and body.
    struct Answer: Sendable {
        var method: HTTPRequest.Method
        var template: String
        var status: Int
        var body: Data
        init(_ method: HTTPRequest.Method, _ template: String, _ r: TestResponse) {
            self.method = method
            self.template = template
            status = Int(r.status.code)
            body = Data(buffer: r.body)
        }
    }

    // MARK: - Schema walking

    static func schema(_ name: String) -> [String: Any]? {
        ((doc["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as? [String: Any]
    }

    static func properties(_ name: String) -> Set<String> {
        Set((schema(name)?["properties"] as? [String: Any] ?? [:]).keys)
    }

    /// Follows `$ref` (components only).
    static func resolve(_ node: [String: Any]) -> [String: Any] {
        guard let ref = node["$ref"] as? String else { return node }
        let parts = ref.split(separator: "/").dropFirst()
        var current: Any = doc
        for part in parts { current = (current as? [String: Any])?[String(part)] as Any }
        return resolve(current as? [String: Any] ?? [:])
    }

    static func schemaName(_ node: [String: Any]) -> String? {
        (node["$ref"] as? String).flatMap { $0.hasPrefix("#/components/schemas/") ? String($0.split(separator: "/").last!) : nil }
    }

    /// Checks that every key of `value` is a property of `node` (recursively), and records the
    /// properties each named schema was seen with.
    static func walk(_ value: Any, _ node: [String: Any], at path: String, seen: inout [String: Set<String>], undocumented: inout [String]) {
        let name = schemaName(node)
        let schema = resolve(node)
        if let variants = schema["oneOf"] as? [[String: Any]] {
            if value is NSNull { return }
            // The variant the value fits: for an object, the one that has all of its keys.
            let fitting = variants.first { variant in
                let candidate = resolve(variant)
                guard let object = value as? [String: Any] else { return candidate["properties"] == nil }
                let properties = candidate["properties"] as? [String: Any] ?? [:]
                return properties.isEmpty == false && object.keys.allSatisfy { properties[$0] != nil }
            }
            if let fitting { walk(value, fitting, at: path, seen: &seen, undocumented: &undocumented) } else { undocumented.append("\(path) fits no variant") }
            return
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            if let name { seen[name, default: []].formUnion(object.keys.filter { properties[$0] != nil }) }
            for (key, child) in object {
                if let sub = properties[key] as? [String: Any] {
                    walk(child, sub, at: "\(path).\(key)", seen: &seen, undocumented: &undocumented)
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    walk(child, extra, at: "\(path).\(key)", seen: &seen, undocumented: &undocumented)
                } else if schema["additionalProperties"] as? Bool != true {
                    undocumented.append("\(path).\(key)")
                }
            }
        } else if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for item in array { walk(item, items, at: "\(path)[]", seen: &seen, undocumented: &undocumented) }
        }
    }
}
