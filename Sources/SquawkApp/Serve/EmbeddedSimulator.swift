import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SquawkHTTP
import SquawkFLS
import SquawkLiveAPI
import SquawkServer
import SquawkSimulator

/// The upstream of the embedded default: the built-in Live API simulator, served on a free
/// loopback port inside the same process and polled over HTTP like the real API (same client,
/// same budget, the same 30-requests-a-minute rule enforced by the simulator).
enum EmbeddedSimulator {
    /// Simulated seconds run before serving.
    static let warmUp: TimeInterval = 300

    /// The simulator's HTTP application; when it listens, `upstream` gets a client for it.
    /// With `fls`, the simulator also serves its FLS club day, and `fls` gets a client for it.
    static func application(_ c: SquawkConfiguration, upstream: LateUpstream, fls: FLSInstance? = nil,
                            transport: any HTTPTransport) throws -> some Service {
        var rng = SystemRandomNumberGenerator()
        let key = "sim-" + String(rng.next(), radix: 36)
        // The world begins a few minutes in the past and is run up to now before serving: a world
        // that has just begun has no aircraft about to take off yet, and a newcomer should see
        // takeoffs in the first minute, not after the warm-up.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let world = World(WorldConfiguration(seed: UInt64(c.simulatorSeed), flightsPerServer: c.simulatorFlights,
                                             start: now.addingTimeInterval(-warmUp)))
        world.advance(to: now)
        let options = SimulatorOptions(apiKey: key, rateLimitPerMinute: c.requestsPerMinute, timeScale: c.simulatorTimeScale)
        // The club day starts with the warm-up too, so the first launches are minutes away.
        let clubDay = fls.map { _ in
            FLSSimulation(day: ClubDay(ClubDayConfiguration(seed: UInt64(c.simulatorSeed), start: now.addingTimeInterval(-warmUp),
                                                            flights: c.simulatorFLSFlights, meanLaunchGap: 90)),
                          password: "sim-" + String(rng.next(), radix: 36))
        }
        let server = SimulatorServer(host: SimulatorHost(world: world, timeScale: c.simulatorTimeScale), options: options, fls: clubDay)
        var logger = Logger(label: "squawk.simulator")
        logger.logLevel = .warning
        return Application(
            router: server.router(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "squawk-simulator"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                upstream.set(LiveAPIClient(apiKey: key, transport: transport, baseURL: "http://127.0.0.1:\(port)"))
                if let fls, let clubDay {
                    fls.set(FLSClient(baseURL: "http://127.0.0.1:\(port)/fls", username: clubDay.username, password: clubDay.password,
                                      transport: transport))
                }
            },
            logger: logger)
    }
}
