import Foundation
import Hummingbird
import Logging
import SquawkApp
import NIOConcurrencyHelpers
import SquawkCore
import SquawkHTTP
import SquawkServer
import SquawkSQLite
import SquawkStore
import SquawkTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What Squawk withstands: one test per attack, named after it (issue 20). Read the test names
/// as the list.
@Suite("Security: attacks Squawk withstands", .serialized)
struct SecurityTests {
    /// A stand-in forward proxy: answers every request with 200 and counts them.
    static func proxy(_ hits: NIOLockedValueBox<[String]>) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RecordEverything(hits: hits))
        return router
    }

    struct RecordEverything: RouterMiddleware {
        let hits: NIOLockedValueBox<[String]>
        func handle(_ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response) async throws -> Response {
            hits.withLockedValue { $0.append("\(request.method) \(request.uri)") }
            return Response(status: .ok)
        }
    }

    static func receiver(_ hits: NIOLockedValueBox<[String]>) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("hook") { _, _ -> HTTPResponse.Status in
            hits.withLockedValue { $0.append("hook") }
            return .noContent
        }
        return router
    }

    static func webhook(_ port: Int, allow: @escaping @Sendable (PeerAddress) -> Bool) -> SquawkHTTP.HTTPRequest {
        SquawkHTTP.HTTPRequest(method: .post, url: "http://127.0.0.1:\(port)/hook", headers: [("content-type", "application/json")], body: Array("{}".utf8),
                    allowPeer: allow)
    }

    @Test("proxy environment variables cannot carry a webhook past the address check (http_proxy, HTTPS_PROXY, ALL_PROXY)")
    func proxyEnvironmentIgnored() async throws {
        let proxied = NIOLockedValueBox<[String]>([])
        let received = NIOLockedValueBox<[String]>([])
        try await LoopbackServer.withServer(Self.proxy(proxied)) { proxyPort in
            try await LoopbackServer.withServer(Self.receiver(received)) { receiverPort in
                let names = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"]
                for name in names { setenv(name, "http://127.0.0.1:\(proxyPort)", 1) }
                defer { for name in names { unsetenv(name) } }
                let transport = CurlTransport()
                defer { transport.shutdown() }
                // The guard admits only the proxy's address: through the proxy, the webhook to a
                // refused destination would get out; without it, the destination is refused.
                let result = await Result<SquawkHTTP.HTTPResponse, any Error>(catching: { try await transport.send(Self.webhook(receiverPort) { $0.port == proxyPort }) })
                guard case .failure(let error as HTTPTransportError) = result else {
                    Issue.record("the webhook was sent: \(result)")
                    return
                }
                #expect(error.kind == .peerRefused)
                #expect(proxied.withLockedValue { $0 }.isEmpty, "the environment's proxy was used")
                #expect(received.withLockedValue { $0 }.isEmpty)
            }
        }
    }

    @Test("an operator's delivery.proxy still cannot be used to reach a refused destination; allowed ones go through it")
    func configuredProxyVetsDestinations() async throws {
        let proxied = NIOLockedValueBox<[String]>([])
        let received = NIOLockedValueBox<[String]>([])
        try await LoopbackServer.withServer(Self.proxy(proxied)) { proxyPort in
            try await LoopbackServer.withServer(Self.receiver(received)) { receiverPort in
                let transport = CurlTransport(configuration: .init(proxy: "http://127.0.0.1:\(proxyPort)"))
                defer { transport.shutdown() }
                let loopbackRefused: @Sendable (PeerAddress) -> Bool = { !$0.ip.hasPrefix("127.") && $0.ip != "::1" }
                for url in ["http://127.0.0.1:\(receiverPort)/hook", "http://localhost:\(receiverPort)/hook", "http://[::1]:\(receiverPort)/hook"] {
                    var request = Self.webhook(receiverPort, allow: loopbackRefused)
                    request.url = url
                    let result = await Result<SquawkHTTP.HTTPResponse, any Error>(catching: { try await transport.send(request) })
                    guard case .failure(let error as HTTPTransportError) = result else {
                        Issue.record("\(url) was sent through the proxy")
                        continue
                    }
                    #expect(error.kind == .peerRefused, "\(url): \(error)")
                }
                // The batch path (the dispatcher's) refuses the same way, request by request.
                let batch = await transport.send(all: [Self.webhook(receiverPort, allow: loopbackRefused), Self.webhook(receiverPort) { _ in true }],
                                                 concurrency: 2)
                #expect(proxied.withLockedValue { $0.count } == 1, "only the allowed request reached the proxy")
                if case .failure(let error) = batch[0].result { #expect(error.kind == .peerRefused) } else { Issue.record("refused request sent") }
                if case .success(let response) = batch[1].result { #expect(response.status == 200) } else { Issue.record("allowed request failed: \(batch[1].result)") }
                #expect(received.withLockedValue { $0 }.isEmpty, "nothing went around the proxy")
            }
        }
    }

    // MARK: - Allow-list and address families (item 3)

    @Test("IPv6 spellings that embed a private IPv4 (mapped, NAT64, local NAT64, 6to4, Teredo) are judged by the IPv4 inside",
          arguments: ["::ffff:10.0.0.1", "::ffff:7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::127.0.0.1", "64:ff9b:1::c0a8:101", "64:ff9b:1:abcd::10.1.2.3",
                      "2002:7f00:1::1", "2002:a00:1::", "2002:c0a8:0101:1::1", "2001:0:4136:e378:8000:63bf:f5ff:fffe", "2001:0::80ff:fefe"])
    func embeddedIPv4(_ spelling: String) throws {
        let ip = try #require(IPAddress(spelling), "\(spelling) parses")
        let policy = EndpointPolicy()
        #expect(policy.refusal(ip) != nil, "\(spelling) was allowed")
        #expect(throws: ValidationError.self) { try policy.validate("https://[\(spelling)]/hook") }
        // The verdict is the embedded address's own.
        let inside = try #require(ip.embeddedV4)
        #expect(IPAddress.v4(inside).nonPublicReason != nil)
    }

    @Test("embeddings of a public IPv4 still pass", arguments: ["64:ff9b::8.8.8.8", "2002:808:808::1", "64:ff9b:1::808:808", "2001:0:4136:e378:8000:63bf:f7f7:f7f7"])
    func embeddedPublic(_ spelling: String) throws {
        let ip = try #require(IPAddress(spelling))
        #expect(EndpointPolicy().refusal(ip) == nil)
    }

    @Test("allow-listing loopback or a range does not open cloud metadata services; only the exact address does")
    func metadataNeedsExactAllowList() throws {
        let loopback = EndpointPolicy(allowList: ["127.0.0.1/32"].compactMap { IPRange(cidr: $0) })
        for name in ["metadata.google.internal", "metadata", "instance-data.ec2.internal", "metadata.azure.internal"] {
            #expect(throws: ValidationError.self, "\(name)") { try loopback.validate("http://\(name)/latest/meta-data") }
        }
        #expect(throws: Never.self) { try loopback.validate("http://localhost:9000/hook") }
        let metadata = ["169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "169.254.170.2", "100.100.100.200"]
        for broad in [["169.254.0.0/16"], ["0.0.0.0/0", "::/0"], ["fd00::/8", "169.254.169.0/24"], ["100.64.0.0/10"]] {
            let policy = EndpointPolicy(allowList: broad.compactMap { IPRange(cidr: $0) })
            for text in metadata {
                #expect(!policy.allows(try #require(IPAddress(text))), "\(text) allowed by \(broad)")
            }
        }
        let exact = EndpointPolicy(allowList: ["169.254.169.254", "fd00:ec2::254"].compactMap { IPRange(cidr: $0) })
        #expect(exact.allows(try #require(IPAddress("169.254.169.254"))))
        #expect(exact.allows(try #require(IPAddress("fd00:ec2::254"))))
        #expect(!exact.allows(try #require(IPAddress("169.254.170.2"))))
        #expect(throws: Never.self) { try exact.validate("http://metadata.google.internal/computeMetadata/v1/") }
        // Other link-local addresses follow the range as before.
        #expect(EndpointPolicy(allowList: ["169.254.0.0/16"].compactMap { IPRange(cidr: $0) }).allows(try #require(IPAddress("169.254.1.1"))))
    }

    // MARK: - Input edges (item 7)

    @Test("a NUL or other control character in description or metadata is refused, not stored cut short")
    func controlCharacters() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            for (extra, field) in [(#", "description": "before\u0000after""#, "description"), (#", "description": "bell\u0007""#, "description"),
                                   (#", "metadata": {"k": "v\u0000w"}"#, "metadata"), (#", "metadata": {"k\u001b[31m": "v"}"#, "metadata")] {
                try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(createBody(extra: extra))) { r in
                    #expect(r.status == .unprocessableContent, "\(extra)")
                    let object = try r.object()
                    #expect((object["field"] as? String)?.hasPrefix(field) == true)
                }
            }
            // Tabs and line breaks are text, stored exactly.
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(),
                                     body: APIHarness.json(createBody(extra: #", "description": "line one\nline\ttwo""#))) { r in
                #expect(r.status == .created)
                let text = try r.object()["description"] as? String
                #expect(text == "line one\nline\ttwo")
            }
        }
        #expect(try await h.store.count() == 1)
    }

    @Test("FLIFO operationDate must be a real calendar date", arguments: ["2026-02-31", "2026-04-31", "2025-02-29", "2026-13-01", "2026-00-10"])
    func impossibleDates(_ date: String) async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/flifo/v3/flight/KLAX/DAL/40/D?operationDate=\(date)", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .badRequest, "\(date)")
            }
        }
    }

    @Test("a garbage list cursor is a 400, not an empty page", arguments: ["garbage", "sub_", "../../etc", "sub_ÄÖ", "dlv_0001", String(repeating: "x", count: 300)])
    func garbageCursor(_ cursor: String) async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            let escaped = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor
            try await client.execute(uri: "/v1/subscriptions?cursor=\(escaped)", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .badRequest, "\(cursor)")
                let code = try r.problemCode()
                #expect(code == "invalid_query")
            }
        }
    }

    @Test("a body that is not declared application/json is a 415, and nothing is created",
          arguments: ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", ""])
    func notJSON(_ type: String) async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            var headers = APIHarness.headers()
            headers[.contentType] = type.isEmpty ? nil : type
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: headers, body: APIHarness.json(createBody())) { r in
                #expect(r.status == .unsupportedMediaType, "\(type)")
                let code = try r.problemCode()
                #expect(code == "unsupported_media_type")
            }
            headers[.contentType] = "application/json; charset=utf-8"
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: headers, body: APIHarness.json(createBody())) { r in
                #expect(r.status == .created)
            }
        }
        #expect(try await h.store.count() == 1)
    }

    @Test("another local user reading the database's webhook secrets: the data directory is 0700, the database files 0600")
    func databaseIsPrivate() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-perm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("data"), file = directory.appendingPathComponent("squawk.sqlite")
        var configuration = SquawkConfiguration()
        configuration.storeURL = "sqlite:" + file.path
        var logger = Logger(label: "test.perm")
        logger.logLevel = .error
        let old = umask(0o022)  // the usual umask: without care, 0755 and 0644
        defer { umask(old) }
        let store = try Composition(configuration: configuration, logger: logger).openStore()
        _ = try await store.listKeys()
        func mode(_ path: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode(directory.path) == 0o700)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: file.path + suffix) {
            #expect(try mode(file.path + suffix) == 0o600, "squawk.sqlite\(suffix)")
        }
        #expect(FileManager.default.fileExists(atPath: file.path + "-wal"))
    }

    @Test("unbounded secret rotation: 50 rotations leave 3 live secrets (3 signatures), their dates shown, never their values")
    func boundedRotation() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(),
                                     body: APIHarness.json(createBody())) { r in #expect(r.status == .created) }
            let id = try #require(try await h.store.list(SubscriptionQuery(ownerKeyId: "admin")).items.first?.id)
            for _ in 0..<50 {
                try await client.execute(uri: "/v1/subscriptions/\(id)/rotate-secret", method: .post, headers: APIHarness.headers()) { r in
                    #expect(r.status == .ok)
                }
            }
            let live = try await h.store.secrets(subscriptionId: id, now: Date())
            #expect(live.count == 3)
            // What the dispatcher signs with: one signature per live secret.
            let signed = WebhookSigner.sign(id: "msg_1", timestamp: 1, body: Array("{}".utf8), secrets: live.map(\.secret))
            #expect(signed.signature.split(separator: " ").count == 3)
            try await client.execute(uri: "/v1/subscriptions/\(id)", method: .get, headers: APIHarness.headers()) { r in
                let secrets = try #require(try r.object()["secrets"] as? [[String: Any]])
                #expect(secrets.count == 3)
                #expect(secrets.allSatisfy { $0["secret"] == nil && $0["createdAt"] is String })
                #expect(secrets.filter { $0["expiresAt"] is NSNull }.count == 1)
            }
            // A window that is not a whole number of seconds from 0 to 7 days is refused.
            for bad in [#"{"expiresIn": -1}"#, #"{"expiresIn": 604801}"#, #"{"expiresIn": 1.5}"#, #"{"expiresIn": "60"}"#, #"{"expiresIn": null}"#] {
                try await client.execute(uri: "/v1/subscriptions/\(id)/rotate-secret", method: .post, headers: APIHarness.headers(),
                                         body: APIHarness.json(bad)) { r in
                    #expect(r.status == .unprocessableContent, "\(bad)")
                    let code = try r.object()["code"] as? String
                    #expect(code == "overlap_invalid", "\(bad)")
                }
            }
            // expiresIn 0 (a leaked secret): every old secret stops at once, only the new one signs.
            try await client.execute(uri: "/v1/subscriptions/\(id)/rotate-secret", method: .post, headers: APIHarness.headers(),
                                     body: APIHarness.json(#"{"expiresIn": 0}"#)) { r in
                #expect(r.status == .ok)
                let secrets = try #require(try r.object()["secrets"] as? [[String: Any]])
                #expect(secrets.count == 1)
                #expect(secrets.first?["expiresAt"] is NSNull)
            }
            let after = try await h.store.secrets(subscriptionId: id, now: Date())
            #expect(after.count == 1)
            #expect(Set(after.map(\.secret)).isDisjoint(with: live.map(\.secret)))
        }
    }

    @Test("a stolen database file gives away no webhook secret once secrets.key is set; the key can be changed (reseal)")
    func secretsEncryptedAtRest() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-seal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func fileBytes(_ path: String) -> Data {
            ["", "-wal"].reduce(into: Data()) { $0 += (FileManager.default.contents(atPath: path + $1) ?? Data()) }
        }
        let secret = "whsec_c3RvbGVuLWRhdGFiYXNlLXRlc3Qtc2VjcmV0LTEyMw=="
        let sub = Subscription(id: "sub_sealed", ownerKeyId: "admin", target: .init(kind: .callsign, id: "DAL1"), events: [.takeoff],
                               notifyEndpoint: "https://hooks.example.com/x", createdAt: Date())
        // Control: without a key the secret is in the file as issued.
        let plainPath = directory.appendingPathComponent("plain.sqlite").path
        do {
            let store = try SQLiteStore(path: plainPath)
            _ = try await store.create(sub, secret: SigningSecret(secret: secret, createdAt: Date()), idempotency: nil)
        }
        #expect(fileBytes(plainPath).range(of: Data(secret.utf8)) != nil)

        let keyA = try SecretSealer(base64Key: SecretSealer.newKey()), keyB = try SecretSealer(base64Key: SecretSealer.newKey())
        let path = directory.appendingPathComponent("sealed.sqlite").path
        let sealed = try SQLiteStore(path: path, sealer: keyA)
        _ = try await sealed.create(sub, secret: SigningSecret(secret: secret, createdAt: Date()), idempotency: nil)
        #expect(fileBytes(path).range(of: Data(secret.utf8)) == nil)
        #expect(try await sealed.secrets(subscriptionId: sub.id, now: Date()).map(\.secret) == [secret])
        // Without the key, or with another, the store refuses rather than sign with garbage.
        await #expect(throws: StoreError.self) { try await SQLiteStore(path: path).secrets(subscriptionId: sub.id, now: Date()) }
        await #expect(throws: StoreError.self) { try await SQLiteStore(path: path, sealer: keyB).secrets(subscriptionId: sub.id, now: Date()) }
        // Changing the key.
        #expect(try await sealed.resealSecrets(with: keyB) == 1)
        #expect(try await SQLiteStore(path: path, sealer: keyB).secrets(subscriptionId: sub.id, now: Date()).map(\.secret) == [secret])
        await #expect(throws: StoreError.self) { try await SQLiteStore(path: path, sealer: keyA).secrets(subscriptionId: sub.id, now: Date()) }
    }

    // MARK: - Tenants

    @Test("a revoked key's subscriptions keep delivering: revocation pauses them (key_revoked) and the key is refused")
    func revokedKeyPausesSubscriptions() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(key: APIHarness.otherKey),
                                     body: APIHarness.json(createBody())) { r in #expect(r.status == .created) }
            let id = try #require(try await h.store.list(SubscriptionQuery(ownerKeyId: "key_other")).items.first?.id)
            #expect(try await h.store.revokeKey(id: "key_other", at: Date()))
            let paused = try await h.store.get(id: id, owner: "key_other")
            #expect(paused?.status == .disabled)
            #expect(paused?.disabledReason == "key_revoked")
            try await client.execute(uri: "/v1/subscriptions/\(id)/enable", method: .post, headers: APIHarness.headers(key: APIHarness.otherKey)) { r in
                #expect(r.status == .unauthorized)
            }
        }
    }

    /// A status provider that reports the whole service: 7 active subscriptions.
    struct ServiceWide: ServiceStatusProvider {
        func status(now: Date) async -> ServiceStatus {
            ServiceStatus(upstreamReady: true, servers: [], plan: "", planRequestsPerMinute: 0, budgetPerMinute: 27,
                          budgetUsedLastMinute: 0, degraded: false, activeSubscriptions: 7)
        }
    }

    @Test("a tenant reading the whole service's subscriptions and queue from /v1/status sees only its own")
    func statusIsScoped() async throws {
        let h = try await APIHarness(configure: { $0.status = ServiceWide() })
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(key: APIHarness.otherKey),
                                     body: APIHarness.json(createBody())) { r in #expect(r.status == .created) }
            try await client.execute(uri: "/v1/status", method: .get, headers: APIHarness.headers(key: APIHarness.otherKey)) { r in
                let object = try r.object()
                #expect(object["activeSubscriptions"] as? Int == 1)
                #expect((object["queue"] as? [String: Any])?["pending"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/status", method: .get, headers: APIHarness.headers()) { r in
                let object = try r.object()
                #expect(object["activeSubscriptions"] as? Int == 7)
            }
        }
    }

    @Test("anyone reading /metrics on the API port: it needs the admin key")
    func metricsNeedAdmin() async throws {
        let metrics = PrometheusMetrics.bootstrap()
        let h = try await APIHarness(extra: { metrics.route(on: $0, adminKeyHash: KeyHash.sha256Hex(APIHarness.adminKey)) })
        try await h.app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get, headers: APIHarness.headers(key: APIHarness.otherKey)) { r in
                #expect(r.status == .unauthorized)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: APIHarness.headers()) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
            }
        }
    }

    @Test("one key flooding the API with changes gets 429 with Retry-After; other keys and the admin go on")
    func writesAreRateLimited() async throws {
        let h = try await APIHarness(configure: { $0.limits = KeyLimits(maxSubscriptions: 0, writesPerMinute: 5) })
        try await h.app.test(.router) { client in
            for i in 0..<5 {
                try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(key: APIHarness.otherKey),
                                         body: APIHarness.json(createBody(callsign: "DAL\(i)"))) { r in #expect(r.status == .created) }
            }
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(key: APIHarness.otherKey),
                                     body: APIHarness.json(createBody(callsign: "DAL9"))) { r in
                #expect(r.status == .tooManyRequests)
                let code = try r.problemCode()
                #expect(code == "rate_limited")
                #expect(Int(r.headers[.retryAfter] ?? "") ?? 0 >= 1)
            }
            let owned = try await h.store.count(owner: "key_other")
            #expect(owned == 5)
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(),
                                     body: APIHarness.json(createBody(callsign: "DAL9"))) { r in #expect(r.status == .created) }
        }
    }

    @Test("one key hoarding subscriptions: past api.max_subscriptions_per_key a create is refused")
    func subscriptionAllowance() async throws {
        let h = try await APIHarness(configure: { $0.limits = KeyLimits(maxSubscriptions: 3, writesPerMinute: 0) })
        try await h.app.test(.router) { client in
            for i in 0..<4 {
                try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(key: APIHarness.otherKey),
                                         body: APIHarness.json(createBody(callsign: "DAL\(i)"))) { r in
                    if i < 3 {
                        #expect(r.status == .created)
                    } else {
                        #expect(r.status == .unprocessableContent)
                        let code = try r.problemCode()
                        #expect(code == "subscription_limit")
                    }
                }
            }
        }
    }

    @Test("events: [] is an error that says to omit events for all")
    func emptyEvents() async throws {
        let h = try await APIHarness()
        try await h.app.test(.router) { client in
            let body = #"{"target": {"kind": "callsign", "id": "DAL40"}, "events": [], "notifyEndpoint": "https://hooks.example.com/x"}"#
            try await client.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: APIHarness.json(body)) { r in
                #expect(r.status == .unprocessableContent)
                let object = try r.object()
                #expect(object["code"] as? String == "events_empty")
                #expect((object["detail"] as? String)?.contains("omit events") == true)
            }
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
