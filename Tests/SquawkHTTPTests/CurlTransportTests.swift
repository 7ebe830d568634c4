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
