import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import SquawkCore
import SquawkLiveAPI
@testable import SquawkSimulator

/// The HTTP face: every endpoint decodes with the real Live API client; the API's rules hold.
@Suite struct SimulatorServerTests {
    static let key = "test-key"

    /// A running world with some history (landed flights, closed ATC) behind it.
    static func server(options: SimulatorOptions = SimulatorOptions(apiKey: key, rateLimitPerMinute: 0),
                       clock: ManualClock = ManualClock()) -> SimulatorServer {
        let world = Fixtures.world(seed: 5, flights: 120)
        world.advance(to: Fixtures.start.addingTimeInterval(2_400))
        return Fixtures.server(world, clock: clock, options: options)
    }

    @Test func everyEndpointDecodesWithTheLiveAPIClient() async throws {
        let server = Self.server()
        let app = Application(router: server.router())
        try await app.test(.router) { client in
            let api = LiveAPIClient(apiKey: Self.key, transport: TestClientTransport(client: client), baseURL: "http://sim")
            let sessions = try await api.sessions()
            #expect(sessions.map(\.name) == ["Expert Server"])
            let sid = sessions[0].id
            let flights = try await api.flights(session: sid)
            #expect(flights.count > 100)
            #expect(flights.allSatisfy { $0.pilotState != nil })
            let airborne = try #require(flights.first { $0.altitude > 20_000 })
            let route = try await api.route(session: sid, flight: airborne.flightId)
            #expect(route.count > 1)
            var planned: FlightPlanInfo?
            for f in flights {
                let plan = try await api.flightPlan(session: sid, flight: f.flightId)
                if !plan.flightPlanItems.isEmpty { planned = plan; break }
            }
            let plan = try #require(planned)
            #expect(plan.summary().destination != nil)
            let atc = try await api.atc(session: sid)
            #expect(!atc.isEmpty)
            let staffed = try #require(atc.compactMap(\.airportName).first)
            let atis = try await api.atis(session: sid, airport: staffed)
            #expect(atis?.contains("ATIS information") == true)
            let status = try await api.airportStatus(session: sid, airport: staffed)
            #expect(status.airportIcao == staffed && !status.atcFacilities.isEmpty)
            let world = try await api.world(session: sid)
            #expect(world.count > 10)
            #expect(world.map(\.airportIcao) == world.map(\.airportIcao).sorted())
            #expect(!(try await api.notams(session: sid)).isEmpty)
            #expect(!(try await api.tracks()).isEmpty)
            let stats = try await api.userStats(userIds: [flights[0].userId, atc[0].userId])
            #expect(Set(stats.map(\.userId)) == [flights[0].userId, atc[0].userId])
            if let name = flights.compactMap(\.username).first {
                #expect(!(try await api.userStats(discourseNames: [name.uppercased()])).isEmpty)
            }
            let grade = try await api.userGrade(user: flights[0].userId)
            #expect(grade.gradeDetails.grades.count == 5)
            // A pilot whose logbook has several pages, walked to the end.
            var pilot: String?
            for f in flights where pilot == nil {
                if try await api.userFlights(user: f.userId).totalPages > 1 { pilot = f.userId }
            }
            let userId = try #require(pilot)
            var entries = 0
            var lastPage = 0
            for try await page in api.userFlightPages(user: userId) {
                entries += page.data.count
                lastPage = page.pageIndex
            }
            let first = try await api.userFlights(user: userId)
            #expect(entries == first.totalCount && lastPage == first.totalPages)
            let one = try await api.userFlight(user: userId, flight: first.data[0].id)
            #expect(one == first.data[0])
            // A controller whose session closed has it in the log.
            let closers = server.host.withWorld { w in w.users.values.filter { !$0.atcSessions.isEmpty }.map(\.id).sorted() } ?? []
            let controller = try #require(closers.first)
            let log = try await api.userATCSessions(user: controller)
            #expect(log.totalCount >= 1)
            let session = try await api.userATCSession(user: controller, session: log.data[0].id)
            #expect(session == log.data[0])
            let aircraft = try await api.aircraft()
            #expect(aircraft.count == AircraftCatalog.all.count)
            let liveries = try await api.liveries(aircraft: aircraft[0].id)
            #expect(!liveries.isEmpty && liveries.allSatisfy { $0.aircraftID == aircraft[0].id })
            #expect(try await api.allLiveries().count == AircraftCatalog.all.reduce(0) { $0 + $1.liveries.count })
        }
    }

    @Test func errorsComeInTheBodyWithTheLiveAPICodes() async throws {
        let server = Self.server()
        try await Application(router: server.router()).test(.router) { client in
            let api = LiveAPIClient(apiKey: Self.key, transport: TestClientTransport(client: client), baseURL: "http://sim")
            let sid = try await api.sessions()[0].id
            await #expect(throws: LiveAPIError.self) { _ = try await api.flights(session: UUID().uuidString) }
            #expect(await liveAPIErrorCode { _ = try await api.flights(session: "nope") } == .serverNotFound)
            #expect(await liveAPIErrorCode { _ = try await api.route(session: sid, flight: "nope") } == .flightNotFound)
            #expect(await liveAPIErrorCode { _ = try await api.userGrade(user: "nope") } == .userNotFound)
            // No ATIS: errorCode 7, which the client reads as "no ATIS".
            #expect(try await api.atis(session: sid, airport: "ZZZZ") == nil)
            let raw = try await client.execute(uri: "/public/v2/sessions/\(sid)/airport/ZZZZ/atis", method: .get,
                                               headers: [.authorization: "Bearer \(Self.key)"])
            #expect(raw.status == .ok)
            #expect(String(buffer: raw.body) == #"{"errorCode":7,"result":null}"#)
        }
    }

    @Test func requestsWithoutTheKeyAreNotAuthorized() async throws {
        let server = Self.server()
        try await Application(router: server.router()).test(.router) { client in
            let none = try await client.execute(uri: "/public/v2/sessions", method: .get)
            #expect(String(buffer: none.body) == #"{"errorCode":4,"result":null}"#)
            let wrong = LiveAPIClient(apiKey: "wrong", transport: TestClientTransport(client: client), baseURL: "http://sim")
            #expect(await liveAPIErrorCode { _ = try await wrong.aircraft() } == .notAuthorized)
            // The key in the query works too.
            let query = try await client.execute(uri: "/public/v2/aircraft?apikey=\(Self.key)", method: .get)
            #expect(String(buffer: query.body).hasPrefix(#"{"errorCode":0"#))
        }
    }

    @Test func theThirtyFirstRequestInAMinuteGets429WithRetryAfter() async throws {
        let clock = ManualClock()
        let server = Self.server(options: SimulatorOptions(apiKey: Self.key, rateLimitPerMinute: 30), clock: clock)
        try await Application(router: server.router()).test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(Self.key)"]
            for i in 0..<30 {
                let r = try await client.execute(uri: "/public/v2/aircraft", method: .get, headers: auth)
                #expect(r.status == .ok, "request \(i + 1)")
                clock.advance(1)  // 30 requests over 30 s
            }
            let limited = try await client.execute(uri: "/public/v2/aircraft", method: .get, headers: auth)
            #expect(limited.status == .tooManyRequests)
            // The oldest request was 30 s ago: the window frees in 30 s.
            #expect(limited.headers[.retryAfter] == "30")
            // Typed by the client as rate limited, with the delay.
            let api = LiveAPIClient(apiKey: Self.key, transport: TestClientTransport(client: client), baseURL: "http://sim")
            #expect(await liveAPIErrorCode { _ = try await api.tracks() } == .rateLimited(retryAfter: .seconds(30)))
            clock.advance(31)
            let later = try await client.execute(uri: "/public/v2/aircraft", method: .get, headers: auth)
            #expect(later.status == .ok)
            // Stats count every request and the refusals.
            let stats = try JSONDecoder().decode(SimulatorStats.self,
                                                 from: Data(buffer: try await client.execute(uri: "/_sim/stats", method: .get).body))
            #expect(stats.requests == 33)
            #expect(stats.rateLimited == 2)
            #expect(stats.byEndpoint["aircraft"] == 32 && stats.byEndpoint["tracks"] == 1)
        }
    }

    @Test func simTimeFollowsTheWallClockTimesTheTimeScale() async throws {
        let clock = ManualClock()
        let world = Fixtures.world(flights: 10)
        let server = Fixtures.server(world, clock: clock, options: SimulatorOptions(apiKey: Self.key, timeScale: 60))
        try await Application(router: server.router()).test(.router) { client in
            clock.advance(10)  // 10 wall seconds = 600 sim seconds
            let body = try await client.execute(uri: "/_sim/time", method: .get).body
            let time = try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
            #expect(time["unix"] as? Double == Fixtures.start.timeIntervalSince1970 + 600)
            // Truth since a time: only later events.
            let since = Fixtures.start.timeIntervalSince1970 + 300
            let truth = try await client.execute(uri: "/_sim/truth?since=\(Int(since))", method: .get).body
            let events = try JSONDecoder().decode([TruthEvent].self, from: Data(buffer: truth))
            #expect(!events.isEmpty)
            #expect(events.allSatisfy { $0.at.timeIntervalSince1970 >= since })
            #expect(events.map(\.at) == events.map(\.at).sorted())
        }
    }

    @Test func faultsAreInjectedOnDemand() async throws {
        let errors = Self.server(options: SimulatorOptions(apiKey: Self.key, rateLimitPerMinute: 0,
                                                           faults: FaultOptions(serverErrorRate: 1)))
        try await Application(router: errors.router()).test(.router) { client in
            let r = try await client.execute(uri: "/public/v2/tracks", method: .get, headers: [.authorization: "Bearer \(Self.key)"])
            #expect([500, 502, 503].contains(r.status.code))
            // /_sim is never faulted.
            #expect(try await client.execute(uri: "/_sim/stats", method: .get).status == .ok)
        }
        let malformed = Self.server(options: SimulatorOptions(apiKey: Self.key, rateLimitPerMinute: 0,
                                                              faults: FaultOptions(malformedRate: 1)))
        try await Application(router: malformed.router()).test(.router) { client in
            let api = LiveAPIClient(apiKey: Self.key, transport: TestClientTransport(client: client), baseURL: "http://sim")
            #expect(await liveAPIErrorCode { _ = try await api.sessions() } == .decoding)
        }
        let stalls = Self.server(options: SimulatorOptions(apiKey: Self.key, rateLimitPerMinute: 0,
                                                           faults: FaultOptions(latencyMilliseconds: 1, stallRate: 1, stallSeconds: 0.05)))
        try await Application(router: stalls.router()).test(.router) { client in
            let r = try await client.execute(uri: "/public/v2/tracks", method: .get, headers: [.authorization: "Bearer \(Self.key)"])
            #expect(r.status == .ok)
        }
        // Half the requests fail, the same ones for the same seed.
        func pattern(seed: UInt64) async throws -> [Bool] {
            let s = Self.server(options: SimulatorOptions(apiKey: Self.key, rateLimitPerMinute: 0,
                                                          faults: FaultOptions(serverErrorRate: 0.5), faultSeed: seed))
            return try await Application(router: s.router()).test(.router) { client in
                var out: [Bool] = []
                for _ in 0..<40 {
                    let r = try await client.execute(uri: "/public/v2/tracks", method: .get, headers: [.authorization: "Bearer \(Self.key)"])
                    out.append(r.status == .ok)
                }
                return out
            }
        }
        let p1 = try await pattern(seed: 3)
        #expect(p1 == (try await pattern(seed: 3)))
        #expect((8...32).contains(p1.filter { $0 }.count))
    }
}
