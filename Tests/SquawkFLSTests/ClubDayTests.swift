import Foundation
import Hummingbird
import SquawkCore
import SquawkHTTP
import SquawkTesting
import Testing
@testable import SquawkFLS
@testable import SquawkSimulator

/// The simulated club day: deterministic, consistent with FLS's rules, detected in full by the
/// differ, and served over HTTP the way the client expects.
@Suite("FLS club day")
struct ClubDayTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let day = ClubDay(ClubDayConfiguration(seed: 7, start: start, flights: 60))
    static let end = start.addingTimeInterval(12 * 3_600)

    @Test("the same seed gives the same day")
    func deterministic() {
        let other = ClubDay(ClubDayConfiguration(seed: 7, start: Self.start, flights: 60))
        #expect(other.flights.map(\.id) == Self.day.flights.map(\.id))
        #expect(other.truth(asOf: Self.end) == Self.day.truth(asOf: Self.end))
        let different = ClubDay(ClubDayConfiguration(seed: 8, start: Self.start, flights: 60))
        #expect(different.flights.map(\.id) != Self.day.flights.map(\.id))
    }

    @Test("records follow FLS's rules at every minute: air state derivation, tow down before glider, legs per launch method")
    func consistent() throws {
        var kinds: Set<Int> = []
        for f in Self.day.flights {
            kinds.insert(f.startType.rawValue)
            switch f.startType {
            case .aeroTow: #expect(f.legs.map(\.kind) == [.glider, .tow])
            case .motorFlight: #expect(f.legs.map(\.kind) == [.motor])
            default: #expect(f.legs.map(\.kind) == [.glider])
            }
            var t = f.createdAt
            while t < Self.end {
                let d = try #require(Self.day.details(f, asOf: t))
                for (_, leg) in d.legs {
                    let expected: FLSAirState = leg.ldgDateTime != nil ? .landed
                        : leg.noLdgTimeInformation == true && leg.startDateTime != nil ? .mightBeLandedOrInAir
                        : leg.startDateTime != nil ? .started
                        : leg.noStartTimeInformation == true ? .mightBeStarted : .new
                    #expect(leg.airStateId == expected)
                    if let s = leg.startDateTime?.date, let l = leg.ldgDateTime?.date { #expect(l > s.addingTimeInterval(-300)) }
                }
                if let g = d.glider?.ldgDateTime?.date, let tow = d.tow?.ldgDateTime?.date { #expect(tow < g) }
                t = t.addingTimeInterval(60)
            }
        }
        #expect(kinds == [1, 2, 3, 5], "aero-tow, winch, self-launch and motor flights all occur")
        let truth = Self.day.truth(asOf: Self.end)
        #expect(Set(truth.map(\.type)) == ["fls.takeoff", "fls.landing", "fls.might_have_started", "fls.might_have_landed",
                                           "fls.corrected", "fls.state_changed"])
    }

    @Test("polling the day every minute detects every truth event and nothing else")
    func detectedInFull() {
        let events = FLSScore.poll(Self.day, every: 60, from: Self.start, until: Self.end)
        let score = FLSScore(truth: Self.day.truth(asOf: Self.end), detected: events.map(\.flsKey))
        print(score)
        for (type, line) in score.lines {
            #expect(line.precision == 1 && line.recall == 1, "\(type): \(line)")
        }
        #expect(Set(events.map(\.id)).count == events.count, "event ids are unique")
    }

    @Test("served over HTTP: the client logs in, reads the feed and a flight; a wrong password is refused")
    func overHTTP() async throws {
        final class Clock: @unchecked Sendable { let lock = NSLock(); var t = Date(timeIntervalSince1970: 1_800_000_000) }
        let clock = Clock()
        let world = World(WorldConfiguration(seed: 1, flightsPerServer: 0, start: Self.start))
        let host = SimulatorHost(world: world, timeScale: 1, wallClock: { clock.lock.withLock { clock.t } })
        let server = SimulatorServer(host: host, options: SimulatorOptions(), fls: FLSSimulation(day: Self.day))
        let transport = CurlTransport()
        defer { transport.shutdown() }
        try await LoopbackServer.withServer(server.router()) { port in
            let base = "http://127.0.0.1:\(port)/fls"
            let wrong = FLSClient(baseURL: base, username: "club", password: "nope", transport: transport)
            await #expect { try await wrong.authenticateIfNeeded() } throws: { ($0 as? FLSError)?.code == .badCredentials }
            let client = FLSClient(baseURL: base, username: FLSSimulation.defaultUsername, password: FLSSimulation.defaultPassword,
                                   transport: transport)
            try await client.authenticateIfNeeded()
            clock.lock.withLock { clock.t = clock.t.addingTimeInterval(3_600) }
            let feed = try await client.modifiedFlights(since: Self.start)
            let expected = Self.day.modified(since: Self.start, asOf: Self.start.addingTimeInterval(3_600))
            #expect(!feed.flights.isEmpty)
            #expect(feed.flights == expected, "the client decodes exactly what the simulator holds")
            #expect(feed.serverDate != nil)
            let one = try #require(feed.flights.first?.key)
            #expect(try await client.flight(id: one) == expected.first)
            let later = try await client.modifiedFlights(since: Self.start.addingTimeInterval(3_600))
            #expect(later.flights.isEmpty, "nothing changed after now")
            let truth = try await transport.send(SquawkHTTP.HTTPRequest(url: "http://127.0.0.1:\(port)/_sim/truth?source=fls&since=0"))
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            // Served times are whole seconds; compare what happened to which leg.
            let served = try decoder.decode([FLSTruthEvent].self, from: Data(truth.body)).map { "\($0.type) \($0.flightId) \($0.leg)" }
            let truthKeys = Self.day.truth(asOf: Self.start.addingTimeInterval(3_600)).map { "\($0.type) \($0.flightId) \($0.leg)" }
            #expect(!served.isEmpty && served == truthKeys)
        }
    }
}
