import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Limits on what one HTTP connection may hold (`server.*` in the configuration).
public struct ConnectionLimits: Sendable, Hashable {
    /// A kept-alive connection with no request in it is closed after this long.
    public var idleTimeout: Duration
    /// A connection must deliver a complete request head within this long of opening (or of the
    /// previous response): a client sending its headers a byte at a time (slowloris) is closed.
    public var headTimeout: Duration
    /// A request's body must arrive within this long of its head.
    public var bodyTimeout: Duration
    /// Open connections accepted at once; past it, new ones wait in the listen backlog.
    public var maxConnections: Int

    public init(idleTimeout: Duration = .seconds(60), headTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30),
                maxConnections: Int = 4_096) {
        self.idleTimeout = idleTimeout
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections
    }

    /// The server builder and application configuration that enforce these limits.
    public func server() -> HTTPServerBuilder {
        let limits = self
        return .http1(configuration: .init(additionalChannelHandlers: [ConnectionGuard(limits: limits)]))
    }

    public func applicationConfiguration(address: BindAddress, serverName: String) -> ApplicationConfiguration {
        ApplicationConfiguration(address: address, serverName: serverName, backlog: 1_024,
                                 availableConnectionsDelegate: maxConnections > 0 ? MaximumAvailableConnections(maxConnections) : nil)
    }
}

/// Closes a connection that holds the server without using it: no complete request head within
/// ``ConnectionLimits/headTimeout`` of opening, no next request within
/// ``ConnectionLimits/idleTimeout`` of a response, a body not finished within
/// ``ConnectionLimits/bodyTimeout`` of its head. Also closes the connection after a response
/// that refuses the body (413) or says `Connection: close`, instead of reading the rest of a
/// body nobody wants.
///
/// It sits after HTTP decoding, so partial heads are invisible to it: a slowloris client is
/// simply one that has not sent a head. One timer at a time, on the channel's event loop.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let limits: ConnectionLimits
    private var timer: Scheduled<Void>?
    private var closeAfterResponse = false
    private var inRequest = false

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, limits.headTimeout) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, limits.headTimeout)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            inRequest = true
            arm(context, limits.bodyTimeout)
        case .body:
            break
        case .end:
            // The handler runs as long as it needs; the next deadline starts with the response.
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            if head.status.code == 413 || head.headerFields[.connection]?.lowercased() == "close" { closeAfterResponse = true }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            inRequest = false
            if closeAfterResponse {
                disarm()
                let channel = context.channel
                let written = promise ?? context.eventLoop.makePromise()
                written.futureResult.whenComplete { _ in channel.close(promise: nil) }
                context.writeAndFlush(data, promise: written)
            } else {
                context.write(data, promise: promise)
                arm(context, limits.idleTimeout)
            }
        }
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: Duration) {
        disarm()
        let channel = context.channel
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) { channel.close(promise: nil) }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
