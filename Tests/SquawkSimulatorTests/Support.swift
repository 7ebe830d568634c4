import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import SquawkCore
import SquawkHTTP
import SquawkLiveAPI
@testable import SquawkSimulator

// MARK: - ManualClock

/// A wall clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = start }

    var now: Date { lock.withLock { current } }

    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }

    /// The clock as the closure the simulator takes.
    var closure: @Sendable () -> Date { { [self] in now } }
}

// MARK: - TestClientTransport

/// An ``HTTPTransport`` over a HummingbirdTesting client, so the real `LiveAPIClient` can talk
/// to the simulator's router in tests.
struct TestClientTransport: HTTPTransport {
    let client: any TestClientProtocol

    func send(_ request: SquawkHTTP.HTTPRequest) async throws -> SquawkHTTP.HTTPResponse {
        // Keep path and query only: the test frameworks address the app themselves.
        var uri = request.url
        if let range = uri.range(of: "://") {
            let rest = uri[range.upperBound...]
            uri = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
        }
        var fields = HTTPFields()
        for (name, value) in request.headers {
            if let n = HTTPField.Name(name) { fields.append(HTTPField(name: n, value: value)) }
        }
        let method: HTTPTypes.HTTPRequest.Method = request.method == .post ? .post : .get
        let response = try await client.executeRequest(
            uri: uri, method: method, headers: fields, body: request.body.map { ByteBuffer(bytes: $0) })
        var headers: [(name: String, value: String)] = []
        for field in response.headers { headers.append((field.name.canonicalName.lowercased(), field.value)) }
        return SquawkHTTP.HTTPResponse(status: response.status.code, headers: headers,
                                       body: Array(response.body.readableBytesView))
    }
}

// MARK: - Worlds

enum Fixtures {
    static let start = WorldConfiguration.defaultStart
    static let expert = ServerRef(id: "0f4a1c7e-7a5e-4c1e-9a3b-3d2f8f1e0a01", name: "Expert Server")

    /// A one-server world of `flights` random flights.
    /// A one-server world; `listGaps` as the world's default unless given (`nil`: every flight
    /// listed in every snapshot).
    static func world(seed: UInt64 = 42, flights: Int = 150, scenario: Scenario? = nil,
                      listGaps: ListGaps?? = .none) -> World {
        var config = WorldConfiguration(seed: seed, flightsPerServer: flights, servers: [expert], start: start, scenario: scenario)
        if let listGaps { config.listGaps = listGaps }
        return World(config)
    }

    /// A simulator server over `world` with a manual wall clock.
    static func server(_ world: World, clock: ManualClock, options: SimulatorOptions = SimulatorOptions(rateLimitPerMinute: 0))
        -> SimulatorServer
    {
        SimulatorServer(host: SimulatorHost(world: world, timeScale: options.timeScale, wallClock: clock.closure),
                        options: options)
    }
}

// MARK: - Errors

/// The Live API error code `body` fails with, or `nil` when it succeeds (or fails otherwise).
func liveAPIErrorCode(_ body: () async throws -> Void) async -> LiveAPIError.Code? {
    do {
        try await body()
        return nil
    } catch let error as LiveAPIError {
        return error.code
    } catch {
        return nil
    }
}
