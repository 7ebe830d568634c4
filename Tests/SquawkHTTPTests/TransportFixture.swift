import Foundation
import Hummingbird
import struct HTTPTypes.HTTPField
import SquawkHTTP
import SquawkTesting
#if canImport(Glibc)
import Glibc
#endif

// MARK: - ServerLog

/// What the fixture server saw, read by the tests after (or while) requests run.
///
/// `@unchecked Sendable`: every field is read and written only under `lock`.
final class ServerLog: @unchecked Sendable {
    /// One request as the server received it (header names lower-cased, in order).
    struct Received: Sendable {
        var method: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func values(_ name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }
    }

    private let lock = NSLock()
    private var hits: [String: Int] = [:]
    private var received: [Received] = []
    private var running = 0
    private var maxRunning = 0
    private var slowCancelled = 0

    func hit(_ path: String) { lock.withLock { hits[path, default: 0] += 1 } }
    func hits(_ path: String) -> Int { lock.withLock { hits[path, default: 0] } }
    func record(_ request: Received) { lock.withLock { received.append(request) } }
    var lastReceived: Received? { lock.withLock { received.last } }
    func enter() { lock.withLock { running += 1; maxRunning = max(maxRunning, running) } }
    func leave() { lock.withLock { running -= 1 } }
    var maxConcurrent: Int { lock.withLock { maxRunning } }
    func noteSlowCancelled() { lock.withLock { slowCancelled += 1 } }
    var slowHandlersCancelled: Int { lock.withLock { slowCancelled } }
}

// MARK: - Fixture routes

/// The routes every transport test serves.
enum TransportFixture {
    static let bigBody = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)

    static func router(_ log: ServerLog) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("hello/:n") { _, context in
            "hello \(context.parameters.get("n") ?? "?")"
        }
        router.get("work/:n") { _, context in
            log.enter()
            defer { log.leave() }
            try await Task.sleep(for: .milliseconds(20))  // lets transfers overlap; not a timing assertion
            return "done \(context.parameters.get("n") ?? "?")"
        }
        router.get("slow") { _, _ -> String in
            log.hit("/slow")
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                log.noteSlowCancelled()
                throw error
            }
            return "late"
        }
        router.get("redirect") { _, _ in
            Response(status: .found, headers: [.location: "/target"])
        }
        router.get("target") { _, _ in
            log.hit("/target")
            return "target"
        }
        router.get("big") { _, _ in
            Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bigBody)))
        }
        router.get("big-chunked") { _, _ in
            // No content length: chunked, so only the write callback can enforce the limit.
            Response(status: .ok, body: ResponseBody { writer in
                for start in stride(from: 0, to: bigBody.count, by: 4096) {
                    try await writer.write(ByteBuffer(bytes: bigBody[start..<start + 4096]))
                }
                try await writer.finish(nil)
            })
        }
        router.get("headers") { _, _ in
            var headers = HTTPFields()
            headers.append(HTTPField(name: HTTPField.Name("X-Answer")!, value: "42"))
            headers.append(HTTPField(name: HTTPField.Name("X-Multi")!, value: "one"))
            headers.append(HTTPField(name: HTTPField.Name("X-Multi")!, value: "two"))
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok")))
        }
        router.on("echo", method: .post) { request, _ in try await echo(request, log) }
        router.on("echo", method: .put) { request, _ in try await echo(request, log) }
        router.on("echo", method: .get) { request, _ in try await echo(request, log) }
        return router
    }

    /// Records the request and answers with its body.
    private static func echo(_ request: Request, _ log: ServerLog) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        let headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        log.record(ServerLog.Received(method: request.method.rawValue, headers: headers, body: Array(buffer.readableBytesView)))
        return Response(status: .ok, body: ResponseBody(byteBuffer: buffer))
    }
}

// MARK: - Helpers

/// Serves the fixture routes on a loopback port while `body` runs.
func withFixtureServer<Result>(_ log: ServerLog, _ body: (_ port: Int) async throws -> Result) async throws -> Result {
    try await LoopbackServer.withServer(TransportFixture.router(log), body)
}

/// Waits until `condition` holds, checking every few milliseconds, for at most `deadline`.
/// Returns whether it held (a generous deadline; this is not a timing assertion).
func waitUntil(_ deadline: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + deadline
    while ContinuousClock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

/// Sends `request` and returns the transport error it failed with, or nil if a response came.
func transportError(_ transport: CurlTransport, _ request: SquawkHTTP.HTTPRequest) async -> HTTPTransportError? {
    do {
        _ = try await transport.send(request)
        return nil
    } catch let error as HTTPTransportError {
        return error
    } catch {
        return HTTPTransportError(.other, "unexpected error type: \(error)")
    }
}

/// A TCP port on 127.0.0.1 where nothing listens: bound to learn a free number, then closed.
func closedLoopbackPort() throws -> Int {
    let socket = try LoopbackSocket.bound()
    let port = socket.port
    socket.close()
    return port
}

// MARK: - LoopbackSocket

/// A raw listening socket on 127.0.0.1, for connection failures Hummingbird cannot fake.
struct LoopbackSocket {
    struct Failure: Error { var call: String }

    let fd: Int32
    let port: Int

    /// A socket bound to 127.0.0.1 on a free port, not listening.
    static func bound() throws -> LoopbackSocket {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(call: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { Glibc.close(fd); throw Failure(call: "bind") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { Glibc.close(fd); throw Failure(call: "getsockname") }
        return LoopbackSocket(fd: fd, port: Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A listener whose accept queue is already full (backlog 0, one connection never
    /// accepted): the kernel drops further SYNs, so a new connect can only time out.
    /// Returns the listener and the client socket filling the queue; close both after.
    static func saturatedListener() throws -> (listener: LoopbackSocket, filler: Int32) {
        let listener = try bound()
        guard Glibc.listen(listener.fd, 0) == 0 else { listener.close(); throw Failure(call: "listen") }
        let client = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(listener.port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { Glibc.close(client); listener.close(); throw Failure(call: "connect") }
        return (listener, client)
    }

    func close() { _ = Glibc.close(fd) }
}
