import Foundation
import Hummingbird
import HummingbirdCore
import SquawkCore
import SquawkServer
import SquawkSQLite
import SquawkStore
import SquawkTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Raw TCP clients for the connection attacks (the attack is in what they do not send).
enum RawClient {
    /// A connected TCP socket to 127.0.0.1:`port`.
    static func connect(_ port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        return fd
    }

    static func send(_ fd: Int32, _ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
    }

    /// What the server sent until it closed the connection or `deadline` passed, and whether it closed.
    static func drain(_ fd: Int32, until deadline: ContinuousClock.Instant) -> (text: String, closed: Bool) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while ContinuousClock.now < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = deadline - ContinuousClock.now
            let ms = Int32(max(1, left.components.seconds * 1_000 + left.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&p, 1, ms) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return (String(decoding: bytes, as: UTF8.self), true) }
            bytes += buffer[0..<n]
        }
        return (String(decoding: bytes, as: UTF8.self), false)
    }

    /// Runs blocking socket work on a thread of its own, keeping the Swift concurrency pool free
    /// for the server under test and the other tests in this process.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in Thread { continuation.resume(returning: work()) }.start() }
    }

    /// One request on a fresh connection; the response's first line.
    static func get(_ port: Int, _ path: String) throws -> String {
        let fd = try connect(port)
        defer { close(fd) }
        send(fd, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let (text, _) = drain(fd, until: .now + .seconds(10))
        return text.components(separatedBy: "\r\n").first ?? ""
    }
}

/// Issue 20, item 4: connections cannot be hoarded. With short timeouts (2 s) so the test is quick.
extension SecurityTests {
    /// Short timeouts, so the test is quick; long enough that a busy test machine still serves a
    /// normal request inside them.
    static let limits = ConnectionLimits(idleTimeout: .seconds(2), headTimeout: .seconds(2), bodyTimeout: .seconds(2), maxConnections: 4_096)

    static func router() async throws -> Router<APIContext> {
        let store = try SQLiteStore.temporary()
        let deps = APIDependencies(subscriptions: store, keys: store, rules: SubscriptionRules(), adminKeyHash: KeyHash.sha256Hex("k"), deliveries: store)
        return APIRouter.make(deps).router
    }

    @Test("2,000 idle connections and 50 slowloris clients: the API still answers at once, and every one of them is closed by its timeout")
    func idleAndSlowloris() async throws {
        try await LoopbackServer.withServer(try await SecurityTests.router(), server: SecurityTests.limits.server(),
                                            availableConnections: MaximumAvailableConnections(SecurityTests.limits.maxConnections)) { port in
            // The raw sockets block (connect, poll): they run on a thread of their own, so the
            // Swift concurrency pool stays free for the server and the other tests in this process.
            struct Outcome: Sendable {
                var lines: [String] = []
                var latencies: [Duration] = []
                var stillOpen: [Int32] = []
                var error: String?
            }
            let outcome: Outcome = await RawClient.offPool {
                var o = Outcome()
                var idle: [Int32] = []
                var slow: [Int32] = []
                defer { for fd in idle + slow { close(fd) } }
                do {
                    for _ in 0..<2_000 { idle.append(try RawClient.connect(port)) }
                    for _ in 0..<50 {
                        let fd = try RawClient.connect(port)
                        RawClient.send(fd, "GET /healthz HTTP/1.1\r\nHo")
                        slow.append(fd)
                    }
                    // Meanwhile a normal client is answered, promptly.
                    for _ in 0..<5 {
                        let start = ContinuousClock.now
                        o.lines.append(try RawClient.get(port, "/healthz"))
                        o.latencies.append(ContinuousClock.now - start)
                        for fd in slow { RawClient.send(fd, "s") }  // a header byte now and then
                    }
                    // Every hoarder is closed by its timeout (2 s from when the server accepted
                    // it). On a loaded machine the server may accept the last of 2,050
                    // connections seconds after the client connected (they wait in the listen
                    // backlog), so the deadline counts from now, with generous slack: without
                    // the guard none of them would ever be closed.
                    let deadline = ContinuousClock.now + Self.limits.headTimeout + .seconds(28)
                    o.stillOpen = (idle + slow).filter { !RawClient.drain($0, until: deadline).closed }
                } catch {
                    o.error = "\(error)"
                }
                return o
            }
            #expect(outcome.error == nil)
            #expect(outcome.lines == Array(repeating: "HTTP/1.1 200 OK", count: 5))
            // Not starved: answered long before any hoarder is dropped (on a quiet machine in a
            // few milliseconds; under the parallel test suite, in well under a second).
            let median = outcome.latencies.sorted()[min(2, max(0, outcome.latencies.count - 1))]
            #expect(median < Self.limits.headTimeout, "median \(median)")
            let stillOpen = outcome.stillOpen
            #expect(stillOpen.isEmpty, "\(stillOpen.count) connections still open")
        }
    }

    @Test("a body that never comes is dropped after the body timeout; a 413 closes the connection instead of reading on")
    func slowAndRefusedBodies() async throws {
        try await LoopbackServer.withServer(try await SecurityTests.router(), server: SecurityTests.limits.server()) { port in
            // A head promising a body that is never sent.
            let stalled = try RawClient.connect(port)
            defer { close(stalled) }
            RawClient.send(stalled, "POST /v1/subscriptions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
            // A body far over the limit: refused, and the connection is closed though the client sends on.
            let huge = try RawClient.connect(port)
            defer { close(huge) }
            RawClient.send(huge, "POST /v1/subscriptions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n")
            for _ in 0..<64 { RawClient.send(huge, String(repeating: "x", count: 65_536)) }
            let refused = await RawClient.offPool { RawClient.drain(huge, until: .now + .milliseconds(1_800)) }
            #expect(refused.text.hasPrefix("HTTP/1.1 413"))
            #expect(refused.closed)
            let dropped = await RawClient.offPool { RawClient.drain(stalled, until: .now + .seconds(6)) }
            #expect(dropped.closed)
        }
    }
}
