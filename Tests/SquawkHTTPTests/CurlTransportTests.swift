import Foundation
import SquawkHTTP
import Testing
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Concurrency and queueing

@Suite("CurlTransport: concurrency")
struct CurlTransportConcurrencyTests {
    @Test("500 concurrent requests all complete with their own bodies")
    func fiveHundredConcurrentRequests() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let bodies = try await withFixtureServer(log) { port in
            try await withThrowingTaskGroup(of: (Int, Int, String).self) { group in
                for n in 0..<500 {
                    group.addTask {
                        let response = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/hello/\(n)"))
                        return (n, response.status, String(decoding: response.body, as: UTF8.self))
                    }
                }
                var bodies: [Int: (Int, String)] = [:]
                for try await (n, status, body) in group { bodies[n] = (status, body) }
                return bodies
            }
        }
        #expect(bodies.count == 500)
        for n in 0..<500 {
            #expect(bodies[n]?.0 == 200)
            #expect(bodies[n]?.1 == "hello \(n)")
        }
        let statistics = transport.statistics
        #expect(statistics.responses == 500)
        #expect(statistics.failures == 0)
        #expect(statistics.inFlight == 0)
    }

    @Test("requests beyond the transfer cap wait their turn instead of failing")
    func transfersBeyondTheCapAreQueued() async throws {
        let transport = CurlTransport(configuration: .init(maxConcurrentTransfers: 4))
        defer { transport.shutdown() }
        let log = ServerLog()
        let statuses = try await withFixtureServer(log) { port in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<60 {
                    group.addTask {
                        // A generous deadline: it counts time spent waiting for a slot too, and a
                        // loaded CI machine can make 60 queued requests slow.
                        try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/work/\(n)", timeout: .seconds(120))).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        #expect(statuses.count == 60)
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect(log.maxConcurrent <= 4, "the server saw more transfers at once than the cap")
        #expect(log.maxConcurrent >= 1)
    }

    @Test("a plain-http receiver that hangs does not hold up the next request to the same host")
    func hangingReceiverDoesNotBlockItsHost() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let answered = try await withFixtureServer(log) { port in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = await transportError(transport, HTTPRequest(url: "http://127.0.0.1:\(port)/slow", timeout: .seconds(120))) }
                #expect(await waitUntil { log.hits("/slow") == 1 })
                let answered = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/hello/2", timeout: .seconds(30)))
                group.cancelAll()
                return answered
            }
        }
        #expect(answered.status == 200)
    }

    @Test("sequential requests reuse a connection")
    func sequentialRequestsReuseAConnection() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        try await withFixtureServer(ServerLog()) { port in
            for n in 0..<20 {
                let response = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/hello/\(n)"))
                #expect(response.status == 200)
            }
        }
        let statistics = transport.statistics
        #expect(statistics.responses == 20)
        #expect(statistics.connectionsOpened >= 1)
        #expect(statistics.connectionsOpened < 20, "every request opened its own connection")
    }
}

// MARK: - Timeouts, connection failures, cancellation

@Suite("CurlTransport: timeouts and cancellation")
struct CurlTransportTimeoutTests {
    @Test("the total timeout fires against a handler that takes longer")
    func totalTimeoutFires() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let error = try await withFixtureServer(ServerLog()) { port in
            await transportError(transport, HTTPRequest(url: "http://127.0.0.1:\(port)/slow", timeout: .milliseconds(300)))
        }
        #expect(error?.kind == .timeout)
        #expect(error?.message.contains("300 ms") == true)
        #expect(transport.statistics.inFlight == 0)
    }

    @Test("a closed port fails with connectFailed")
    func closedPortFailsToConnect() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let port = try closedLoopbackPort()
        let error = await transportError(transport, HTTPRequest(url: "http://127.0.0.1:\(port)/"))
        #expect(error?.kind == .connectFailed)
    }

    @Test("the connect timeout fires when the peer never answers the handshake")
    func connectTimeoutFires() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let (listener, filler) = try LoopbackSocket.saturatedListener()
        defer { listener.close(); _ = Glibc.close(filler) }
        let error = await transportError(transport, HTTPRequest(
            url: "http://127.0.0.1:\(listener.port)/", connectTimeout: .milliseconds(200), timeout: .seconds(30)))
        #expect(error?.kind == .timeout)
        #expect(error?.message.contains("connect 200 ms") == true)
    }

    @Test("cancelling the waiting task aborts the transfer")
    func cancellationAbortsTheTransfer() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let (outcome, next) = try await withFixtureServer(log) { port in
            let outcome = try await withThrowingTaskGroup(of: HTTPTransportError?.self) { group in
                group.addTask {
                    await transportError(transport, HTTPRequest(url: "http://127.0.0.1:\(port)/slow", timeout: .seconds(120)))
                }
                // Cancel only once the transfer is running: the server's handler has started.
                let started = await waitUntil { log.hits("/slow") == 1 }
                #expect(started)
                #expect(transport.statistics.inFlight == 1)
                group.cancelAll()
                return try await group.next() ?? nil
            }
            #expect(await waitUntil { transport.statistics.inFlight == 0 })
            let next = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/hello/1"))
            return (outcome, next)
        }
        #expect(outcome?.kind == .cancelled)
        #expect(next.status == 200)
        // The aborted transfer's connection was closed, not put back in the cache.
        #expect(transport.statistics.connectionsOpened == 2)
    }

    @Test("a task cancelled before sending fails at once without sending")
    func cancelledBeforeSending() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let outcome = try await withFixtureServer(log) { port in
            try await withThrowingTaskGroup(of: HTTPTransportError?.self) { group in
                group.cancelAll()
                group.addTask {
                    await transportError(transport, HTTPRequest(url: "http://127.0.0.1:\(port)/target"))
                }
                return try await group.next() ?? nil
            }
        }
        #expect(outcome?.kind == .cancelled)
        #expect(log.hits("/target") == 0)
        #expect(transport.statistics.inFlight == 0)
    }

    @Test("shutdown fails running requests, and later ones at once")
    func shutdownFailsPendingRequests() async throws {
        let transport = CurlTransport()
        let log = ServerLog()
        let (running, later) = try await withFixtureServer(log) { port in
            try await withThrowingTaskGroup(of: HTTPTransportError?.self) { group in
                group.addTask {
                    await transportError(transport, HTTPRequest(url: "http://127.0.0.1:\(port)/slow", timeout: .seconds(120)))
                }
                #expect(await waitUntil { log.hits("/slow") == 1 })
                transport.shutdown()
                let running = try await group.next() ?? nil
                let later = await transportError(transport, HTTPRequest(url: "http://127.0.0.1:\(port)/target"))
                return (running, later)
            }
        }
        #expect(running?.kind == .cancelled)
        #expect(later?.kind == .cancelled)
        #expect(log.hits("/target") == 0)
        #expect(transport.statistics.inFlight == 0)
    }
}

// MARK: - Responses

@Suite("CurlTransport: responses")
struct CurlTransportResponseTests {
    @Test("a 302 comes back as a response and is not followed")
    func redirectIsNotFollowed() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let response = try await withFixtureServer(log) { port in
            try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/redirect"))
        }
        #expect(response.status == 302)
        #expect(response.header("Location") == "/target")
        #expect(log.hits("/target") == 0)
    }

    @Test("an oversize body is cut off, announced by Content-Length or chunked", arguments: ["big", "big-chunked"])
    func oversizeBodyIsCutOff(path: String) async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let (error, within) = try await withFixtureServer(ServerLog()) { port in
            let url = "http://127.0.0.1:\(port)/\(path)"
            let error = await transportError(transport, HTTPRequest(url: url, maxResponseBytes: 1000))
            let within = try await transport.send(HTTPRequest(url: url, maxResponseBytes: TransportFixture.bigBody.count))
            return (error, within)
        }
        #expect(error?.kind == .bodyTooLarge)
        #expect(error?.message.contains("1000 bytes") == true)
        #expect(within.body == TransportFixture.bigBody, "a body exactly at the limit is accepted")
    }

    @Test("response header names are lower-cased and repeated headers kept")
    func responseHeaders() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let response = try await withFixtureServer(ServerLog()) { port in
            try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/headers"))
        }
        #expect(response.status == 200)
        #expect(response.header("X-Answer") == "42")
        #expect(response.headers.filter { $0.name == "x-multi" }.map(\.value) == ["one", "two"])
        #expect(response.headers.allSatisfy { $0.name == $0.name.lowercased() })
        #expect(response.elapsed > .zero)
    }
}

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
