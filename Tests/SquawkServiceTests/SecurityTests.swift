import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import SquawkCore
import SquawkHTTP
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
                if case .failure(let error as HTTPTransportError) = batch[0].result { #expect(error.kind == .peerRefused) } else { Issue.record("refused request sent") }
                if case .success(let response) = batch[1].result { #expect(response.status == 200) } else { Issue.record("allowed request failed: \(batch[1].result)") }
                #expect(received.withLockedValue { $0 }.isEmpty, "nothing went around the proxy")
            }
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
