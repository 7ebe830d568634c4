import Foundation
import SquawkHTTP
import Testing

/// `send(all:concurrency:)`: one hand-over for many requests, in CurlTransport and in the
/// protocol's default (one `send` per request).
@Suite("HTTP transport: batches")
struct CurlBatchTests {
    static func body(_ exchange: HTTPExchange) -> String? {
        guard case .success(let response) = exchange.result else { return nil }
        return String(decoding: response.body, as: UTF8.self)
    }

    static func error(_ exchange: HTTPExchange) -> HTTPTransportError? {
        guard case .failure(let error) = exchange.result else { return nil }
        return error
    }

    @Test("every outcome comes back in request order, with at most `concurrency` running at once")
    func orderAndConcurrency() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let exchanges = try await withFixtureServer(log) { port in
            await transport.send(all: (0..<120).map { HTTPRequest(url: "http://127.0.0.1:\(port)/work/\($0)", timeout: .seconds(120)) },
                                 concurrency: 5)
        }
        #expect(exchanges.map(Self.body) == (0..<120).map { "done \($0)" })
        #expect(log.maxConcurrent <= 5, "the server saw \(log.maxConcurrent) of the batch at once")
        #expect(log.maxConcurrent >= 2, "the batch's requests overlapped")
        let statistics = transport.statistics
        #expect(statistics.responses == 120)
        #expect(statistics.inFlight == 0)
        #expect(await transport.send(all: [], concurrency: 4).isEmpty)
    }

    /// Counts `onEnd` calls.
    final class Ends: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func note() { lock.withLock { count += 1 } }
    }

    @Test("a deadline cuts a running request's timeout, and a request whose deadline passed before its turn is not sent; each ends once")
    func deadline() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let ends = Ends()
        let exchanges = try await withFixtureServer(log) { port in
            // One at a time: the second's turn comes when the first ends, after its own deadline.
            let start = ContinuousClock.now
            return await transport.send(all: [
                HTTPRequest(url: "http://127.0.0.1:\(port)/slow", timeout: .seconds(60), deadline: start + .milliseconds(400),
                            onEnd: { ends.note() }),
                HTTPRequest(url: "http://127.0.0.1:\(port)/target", timeout: .seconds(60), deadline: start + .milliseconds(200),
                            onEnd: { ends.note() }),
            ], concurrency: 1)
        }
        #expect(ends.value == 2, "onEnd ran once for each, sent or not")
        #expect(Self.error(exchanges[0])?.kind == .timeout, "\(String(describing: Self.error(exchanges[0])))")
        #expect(exchanges[0].elapsed < .seconds(30), "the 60 s timeout was cut to the deadline")
        #expect(Self.error(exchanges[0])?.message.contains("total 60000 ms, cut to") == true, "\(String(describing: Self.error(exchanges[0])))")
        #expect(Self.error(exchanges[1])?.kind == .notSent)
        #expect(log.hits("/target") == 0, "a request past its deadline never reaches the receiver")
        #expect(transport.statistics.inFlight == 0)
    }

    @Test("a request whose turn comes after its start-by time is not sent, though its deadline is still ahead")
    func startBy() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let exchanges = try await withFixtureServer(log) { port in
            let start = ContinuousClock.now
            return await transport.send(all: [
                HTTPRequest(url: "http://127.0.0.1:\(port)/slow", timeout: .milliseconds(300)),
                HTTPRequest(url: "http://127.0.0.1:\(port)/target", timeout: .seconds(60), deadline: start + .seconds(60),
                            startBy: start + .milliseconds(100)),
            ], concurrency: 1)
        }
        #expect(Self.error(exchanges[0])?.kind == .timeout)
        #expect(Self.error(exchanges[1])?.kind == .notSent)
        #expect(log.hits("/target") == 0)
    }

    @Test("cancelling the waiting task ends the running request and the ones not yet started, as cancelled")
    func cancellation() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let log = ServerLog()
        let ends = Ends()
        let exchanges = try await withFixtureServer(log) { port in
            let batch = Task {
                await transport.send(all: [
                    HTTPRequest(url: "http://127.0.0.1:\(port)/slow", timeout: .seconds(120), onEnd: { ends.note() }),
                    HTTPRequest(url: "http://127.0.0.1:\(port)/target", timeout: .seconds(120), onEnd: { ends.note() }),
                ], concurrency: 1)
            }
            #expect(await waitUntil { log.hits("/slow") == 1 })
            batch.cancel()
            return await batch.value
        }
        #expect(exchanges.map { Self.error($0)?.kind } == [.cancelled, .cancelled])
        #expect(ends.value == 2, "the running and the unstarted request each ended once")
        #expect(log.hits("/target") == 0)
        #expect(await waitUntil { transport.statistics.inFlight == 0 })
    }

    @Test("shutdown ends a running batch, and a later batch fails at once")
    func shutdown() async throws {
        let transport = CurlTransport()
        let log = ServerLog()
        let (running, later) = try await withFixtureServer(log) { port in
            let batch = Task {
                await transport.send(all: (0..<3).map { _ in HTTPRequest(url: "http://127.0.0.1:\(port)/slow", timeout: .seconds(120)) },
                                     concurrency: 2)
            }
            #expect(await waitUntil { log.hits("/slow") == 2 })
            transport.shutdown()
            let running = await batch.value
            let later = await transport.send(all: [HTTPRequest(url: "http://127.0.0.1:\(port)/target")], concurrency: 1)
            return (running, later)
        }
        #expect(running.map { Self.error($0)?.kind } == [.cancelled, .cancelled, .cancelled])
        #expect(later.map { Self.error($0)?.kind } == [.cancelled])
        #expect(log.hits("/target") == 0)
        #expect(transport.statistics.inFlight == 0)
    }

    /// Answers `GET …/N` with N after a pause, counting how many run at once.
    final class CountingTransport: HTTPTransport, @unchecked Sendable {
        private let lock = NSLock()
        private var now = 0
        private(set) var most = 0
        var mostAtOnce: Int { lock.withLock { most } }
        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            lock.withLock { now += 1; most = max(most, now) }
            defer { lock.withLock { now -= 1 } }
            try await Task.sleep(for: .milliseconds(2))
            if request.url.hasSuffix("/fail") { throw HTTPTransportError(.connectFailed, "refused") }
            return HTTPResponse(status: 200, body: Array(request.url.split(separator: "/").last!.utf8))
        }
    }

    @Test("the protocol's default: the same order, cap, errors and deadline, through one send per request")
    func defaultImplementation() async {
        let transport = CountingTransport()
        var requests = (0..<40).map { HTTPRequest(url: "http://example.test/\($0)") }
        requests.append(HTTPRequest(url: "http://example.test/fail"))
        requests.append(HTTPRequest(url: "http://example.test/late", deadline: ContinuousClock.now - .seconds(1)))
        requests.append(HTTPRequest(url: "http://example.test/too-late-to-start", startBy: ContinuousClock.now - .seconds(1)))
        let ends = Ends()
        for i in requests.indices { requests[i].onEnd = { ends.note() } }
        let exchanges = await transport.send(all: requests, concurrency: 3)
        #expect(ends.value == requests.count)
        #expect(exchanges.prefix(40).map(Self.body) == (0..<40).map { "\($0)" })
        #expect(Self.error(exchanges[40])?.kind == .connectFailed)
        #expect(Self.error(exchanges[41])?.kind == .notSent)
        #expect(Self.error(exchanges[42])?.kind == .notSent)
        #expect(transport.mostAtOnce <= 3)
    }
}
