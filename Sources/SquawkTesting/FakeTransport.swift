import Foundation
import SquawkHTTP

/// An ``HTTPTransport`` that answers from a handler and records every request it got.
public final class FakeTransport: HTTPTransport, @unchecked Sendable {
    public typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse
    private let lock = NSLock()
    private var _requests: [HTTPRequest] = []
    private let handler: Handler

    public init(handler: @escaping Handler) { self.handler = handler }

    /// Every request sent so far, in order.
    public var requests: [HTTPRequest] { lock.withLock { _requests } }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { _requests.append(request) }
        return try await handler(request)
    }
}
