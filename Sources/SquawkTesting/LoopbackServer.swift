import Foundation
import Hummingbird
import HummingbirdCore
import Logging

// MARK: - LoopbackServer

/// Runs a Hummingbird application on `127.0.0.1`, on a port the kernel picks, for as long as a
/// test body runs: live HTTP fixtures for transport, client and delivery tests.
///
/// ```swift
/// let router = Router()
/// router.get("hello") { _, _ in "hi" }
/// try await LoopbackServer.withServer(router) { port in
///     let response = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(port)/hello"))
///     #expect(response.status == 200)
/// }
/// ```
///
/// The server runs in a child task of the caller (no detached task) and is stopped by
/// cancelling that task when the body returns or throws; in-flight handlers are cancelled.
public enum LoopbackServer {
    /// Why the server could not be started.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Serves `router` on `127.0.0.1:<free port>` while `body` runs with that port.
    /// - Parameters:
    ///   - server: The channel setup, e.g. `.http1(configuration: ...)` to change idle timeouts.
    ///   - logLevel: Hummingbird's log level. `.critical` by default: stopping by cancellation
    ///     makes Hummingbird log a harmless `CancellationError` per open connection at `.error`.
    public static func withServer<Builder: HTTPResponderBuilder, Result>(
        _ router: Builder,
        server: HTTPServerBuilder = .http1(),
        availableConnections: (any AvailableConnectionsDelegate)? = nil,
        logLevel: Logger.Level = .critical,
        _ body: (_ port: Int) async throws -> Result
    ) async throws -> Result
    where Builder.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        var logger = Logger(label: "squawk.loopback")
        logger.logLevel = logLevel
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil, backlog: 1_024,
                                 availableConnectionsDelegate: availableConnections),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // If the server stops (or fails to start) before yielding a port, end the
                // stream so the caller does not wait forever.
                defer { portSink.finish() }
                try await app.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                group.cancelAll()
                try await group.waitForAll()  // surfaces the start-up error, if any
                throw StartError(description: "the loopback server stopped before it was listening")
            }
            do {
                let result = try await body(port)
                group.cancelAll()
                try? await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}
