import Foundation
import SquawkHTTP
import Testing
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Requests

@Suite("CurlTransport: requests")
struct CurlTransportRequestTests {
    @Test("a POST body and its headers arrive intact, with Squawk's User-Agent")
    func postArrivesIntact() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let body = (0..<4096).map { UInt8($0 % 256) }
        let response = try await withFixtureServer(log) { port in
            try await transport.send(HTTPRequest(
                method: .post, url: "http://127.0.0.1:\(port)/echo",
                headers: [("Content-Type", "application/json"), ("X-Token", "a b:c"), ("X-Dup", "1"), ("X-Dup", "2")],
                body: body))
        }
        #expect(response.status == 200)
        #expect(response.body == body)
        let received = try #require(log.lastReceived)
        #expect(received.method == "POST")
        #expect(received.body == body)
        #expect(received.values("content-type") == ["application/json"])
        #expect(received.values("x-token") == ["a b:c"])
        #expect(received.values("x-dup") == ["1", "2"])
        #expect(received.values("user-agent") == [SquawkVersion.userAgent])
        #expect(received.values("content-length") == ["4096"])
        #expect(received.values("expect").isEmpty, "no Expect: 100-continue")
        #expect(received.values("accept").isEmpty, "no header the caller did not ask for")
    }

    @Test("a caller's User-Agent replaces Squawk's; an empty PUT sends no Content-Type")
    func callersUserAgentWins() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        try await withFixtureServer(log) { port in
            _ = try await transport.send(HTTPRequest(
                method: .put, url: "http://127.0.0.1:\(port)/echo", headers: [("User-Agent", "probe/1")]))
        }
        let received = try #require(log.lastReceived)
        #expect(received.method == "PUT")
        #expect(received.values("user-agent") == ["probe/1"])
        #expect(received.values("content-type").isEmpty)
        #expect(received.values("content-length") == ["0"])
        #expect(received.body.isEmpty)
    }

    @Test("the caller's headers count whatever their case; a Content-Length is curl's to set; an empty value is sent empty; the scheme's case does not matter")
    func headerNamesIgnoreCase() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let body = Array("{}".utf8)
        try await withFixtureServer(log) { port in
            _ = try await transport.send(HTTPRequest(
                method: .post, url: "HTTP://127.0.0.1:\(port)/echo",
                headers: [("content-TYPE", "text/plain"), ("ACCEPT", "application/json"), ("USER-agent", "probe/2"),
                          ("Content-Length", "99"), ("X-Empty", "")],
                body: body))
        }
        let received = try #require(log.lastReceived)
        #expect(received.values("content-type") == ["text/plain"], "no second, empty Content-Type")
        #expect(received.values("accept") == ["application/json"])
        #expect(received.values("user-agent") == ["probe/2"])
        #expect(received.values("content-length") == ["2"])
        #expect(received.values("x-empty") == [""])
        #expect(received.body == body)
    }

    @Test("requests that cannot be sent safely are refused before any connection")
    func invalidRequestsAreRefused() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let errors = try await withFixtureServer(log) { port in
            [
                await transportError(transport, HTTPRequest(url: "ftp://127.0.0.1:\(port)/echo")),
                await transportError(transport, HTTPRequest(url: "file:///etc/passwd")),
                await transportError(transport, HTTPRequest(
                    url: "http://127.0.0.1:\(port)/echo", headers: [("X-Evil", "a\r\nX-Injected: 1")])),
                await transportError(transport, HTTPRequest(url: "http://127.0.0.1:\(port)/echo", headers: [("Bad Name", "v")])),
                await transportError(transport, HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/echo", body: [1])),
            ]
        }
        for error in errors { #expect(error?.kind == .invalidRequest) }
        #expect(log.lastReceived == nil)
        #expect(transport.statistics.connectionsOpened == 0)
    }

    @Test("errors never carry the URL's path, query or credentials")
    func errorsDoNotLeakSecrets() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let port = try closedLoopbackPort()
        let url = "http://user:hunter2@127.0.0.1:\(port)/api/webhooks/123/TOKENPATH?apikey=SECRETKEY"
        let error = try #require(await transportError(transport, HTTPRequest(url: url)))
        #expect(error.kind == .connectFailed)
        for secret in ["hunter2", "TOKENPATH", "SECRETKEY", "apikey"] {
            #expect(!error.description.contains(secret))
        }
    }
}

// MARK: - Peer-address hook

@Suite("CurlTransport: peer-address hook")
struct CurlTransportPeerHookTests {
    /// Records every address the hook is asked about, answering with `allow`.
    final class Hook: @unchecked Sendable {
        // `@unchecked Sendable`: `asked` is only touched under `lock`.
        private let lock = NSLock()
        private var asked: [PeerAddress] = []
        let allow: Bool
        init(allow: Bool) { self.allow = allow }
        var addresses: [PeerAddress] { lock.withLock { asked } }
        var closure: @Sendable (PeerAddress) -> Bool {
            { [self] peer in lock.withLock { asked.append(peer) }; return allow }
        }
    }

    @Test("a hook that refuses 127.0.0.1 stops the request before it is sent")
    func hookRefusesLoopback() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let hook = Hook(allow: false)
        let error = try await withFixtureServer(log) { port in
            await transportError(transport, HTTPRequest(url: "http://127.0.0.1:\(port)/target?secret=1", allowPeer: hook.closure))
        }
        #expect(error?.kind == .peerRefused)
        #expect(error?.message.contains("127.0.0.1") == true)
        #expect(error?.message.contains("secret") == false)
        #expect(hook.addresses.map(\.ip) == ["127.0.0.1"])
        #expect(log.hits("/target") == 0)
        #expect(transport.statistics.connectionsOpened == 0, "no connection to a refused address")
    }

    @Test("a hook that allows the address lets the request through, on every request")
    func hookAllows() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let hook = Hook(allow: true)
        let port = try await withFixtureServer(log) { port in
            for _ in 0..<2 {
                let response = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/target", allowPeer: hook.closure))
                #expect(response.status == 200)
            }
            return port
        }
        #expect(log.hits("/target") == 2)
        #expect(Set(hook.addresses) == [PeerAddress(ip: "127.0.0.1", port: port)])
        // Once at connect and once per request (the second request reused the connection).
        #expect(hook.addresses.count == 3)
        #expect(transport.statistics.connectionsOpened == 1)
    }

    @Test("localhost is refused on every address it resolves to")
    func localhostIsRefused() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let hook = Hook(allow: false)
        let error = try await withFixtureServer(log) { port in
            await transportError(transport, HTTPRequest(url: "http://localhost:\(port)/target", allowPeer: hook.closure))
        }
        #expect(error?.kind == .peerRefused)
        let asked = Set(hook.addresses.map(\.ip))
        #expect(!asked.isEmpty)
        #expect(asked.isSubset(of: ["127.0.0.1", "::1"]))
        for ip in asked { #expect(error?.message.contains(ip) == true) }
        #expect(log.hits("/target") == 0)
    }

    @Test("a cached connection opened without a hook is checked again and refused")
    func cachedConnectionIsCheckedAgain() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let hook = Hook(allow: false)
        let (first, second) = try await withFixtureServer(log) { port in
            let first = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/target"))
            let second = await transportError(transport, HTTPRequest(url: "http://127.0.0.1:\(port)/target", allowPeer: hook.closure))
            return (first, second)
        }
        #expect(first.status == 200)
        #expect(second?.kind == .peerRefused)
        #expect(log.hits("/target") == 1, "the refused request never reached the server")
        #expect(hook.addresses.map(\.ip) == ["127.0.0.1"])
    }
}
