import Foundation
import Testing
import SquawkCore
import SquawkHTTP
import SquawkLiveAPI
import SquawkTesting
@testable import SquawkSimulator

/// End to end over a real socket: the Live API client on libcurl against the simulator on
/// 127.0.0.1 (a port the kernel picks).
@Suite struct LoopbackTests {
    @Test func theLiveAPIClientOnCurlReadsTheSimulatorOverLoopback() async throws {
        let world = Fixtures.world(seed: 11, flights: 80)
        world.advance(to: Fixtures.start.addingTimeInterval(1_200))
        let server = Fixtures.server(world, clock: ManualClock(),
                                     options: SimulatorOptions(apiKey: "loop-key", rateLimitPerMinute: 30))
        let transport = CurlTransport()
        defer { transport.shutdown() }
        try await LoopbackServer.withServer(server.router()) { port in
            let api = LiveAPIClient(apiKey: "loop-key", transport: transport, baseURL: "http://127.0.0.1:\(port)")
            let sid = try #require(try await api.sessions().first?.id)
            let flights = try await api.flights(session: sid)
            #expect(flights.count > 60)
            let atc = try await api.atc(session: sid)
            let statuses = try await api.world(session: sid)
            #expect(!statuses.isEmpty)
            let plans = try await api.flightPlan(session: sid, flight: flights[0].flightId)
            #expect(plans.flightId == flights[0].flightId)
            if let icao = atc.compactMap(\.airportName).first {
                #expect(try await api.atis(session: sid, airport: icao) != nil)
            }
            // The snapshot the poller would build equals the world's own, flight for flight.
            let truth = Snapshot(session: SessionInfo(id: sid, name: "Expert Server", maxUsers: 0, userCount: 0, type: 1),
                                 takenAt: Fixtures.start, flights: flights, atc: atc)
            let own = server.host.withWorld { $0.snapshot(server: Fixtures.expert) }
            #expect(truth.flights.map(\.flightId) == own?.flights.map(\.flightId))
            #expect(truth.atc?.map(\.frequencyId) == own?.atc?.map(\.frequencyId))
            // No key: NotAuthorized, and the budget still counts only keyed requests.
            let anonymous = LiveAPIClient(apiKey: "", transport: transport, baseURL: "http://127.0.0.1:\(port)")
            #expect(await liveAPIErrorCode { _ = try await anonymous.tracks() } == .notAuthorized)
            #expect(server.stats.rateLimited == 0)
        }
    }
}
