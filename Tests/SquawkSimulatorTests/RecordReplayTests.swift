import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import SquawkCore
import SquawkLiveAPI
@testable import SquawkSimulator

// MARK: - VirtualClock

/// A clock whose sleeps return at once, moving its time to the deadline; it also drives a
/// ``ManualClock`` so the simulator's wall time moves with it.
final class VirtualClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by d: Duration) -> Instant { Instant(offset: offset + d) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private let lock = NSLock()
    private var current = Instant(offset: .zero)
    let wall: ManualClock

    init(wall: ManualClock) { self.wall = wall }

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let step = lock.withLock { () -> Duration in
            let d = current.duration(to: deadline)
            if d > .zero { current = deadline }
            return d
        }
        if step > .zero { wall.advance(Double(step.components.seconds) + Double(step.components.attoseconds) / 1e18) }
    }
}

/// `squawk record` writes JSON Lines within the budget; `--replay` serves them back in time order.
@Suite struct RecordReplayTests {
    @Test func theBudgetAllowsThreeSessions() {
        let options = Recorder.Options(baseURL: "http://x", apiKey: "k", directory: URL(fileURLWithPath: "/tmp"), maxSessions: 10)
        #expect(options.sessionCap == 3)
        #expect(options.requestsPerMinute <= 30)
        #expect(Recorder.Options(baseURL: "", apiKey: "", directory: URL(fileURLWithPath: "/tmp"), maxSessions: 2).sessionCap == 2)
    }

    @Test func recordLinesRoundTripTheRawBody() throws {
        let body = Data(#"{"errorCode":0,"result":[{"a":"x,\"body\":y"}]}"#.utf8)
        let at = Date(timeIntervalSince1970: 1_700_000_000.25)
        let line = try ReplayStore.line(at: at, path: "/public/v2/sessions", body: body)
        #expect(line.last == UInt8(ascii: "\n"))
        let parsed = try #require(ReplayStore.parse(line: line.dropLast()))
        #expect(parsed.body == body && parsed.path == "/public/v2/sessions" && parsed.at == at)
        // Valid JSON as a whole.
        #expect((try? JSONSerialization.jsonObject(with: line)) != nil)
    }

    @Test func theStoreServesTheLatestRecordAtOrBeforeTheTime() {
        var store = ReplayStore()
        let t0 = Date(timeIntervalSince1970: 1_000)
        store.add(path: "/public/v2/sessions", at: t0, body: Data("a".utf8))
        store.add(path: "/public/v2/sessions", at: t0.addingTimeInterval(15), body: Data("b".utf8))
        #expect(store.body(path: "/public/v2/sessions", at: t0.addingTimeInterval(-1)) == nil)
        #expect(store.body(path: "/public/v2/sessions", at: t0) == Data("a".utf8))
        #expect(store.body(path: "/public/v2/sessions/", at: t0.addingTimeInterval(14.9)) == Data("a".utf8))
        #expect(store.body(path: "/public/v2/sessions?apikey=k", at: t0.addingTimeInterval(15)) == Data("b".utf8))
        #expect(store.firstTime == t0)
    }

    @Test func aRecordingOfTheSimulatorReplaysInTimeOrder() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-record-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let wall = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let clock = VirtualClock(wall: wall)
        let world = World(WorldConfiguration(seed: 3, flightsPerServer: 30, start: Fixtures.start))
        let sim = Fixtures.server(world, clock: wall, options: SimulatorOptions(apiKey: "k", rateLimitPerMinute: 30))
        // Record one minute of the simulator through the real client code.
        let summary = try await Application(router: sim.router()).test(.router) { client in
            let recorder = Recorder(
                options: Recorder.Options(baseURL: "http://sim", apiKey: "k", directory: dir, duration: .seconds(60)),
                transport: TestClientTransport(client: client), now: wall.closure)
            return try await recorder.run(clock: clock)
        }
        // Sessions once, then flights + ATC of 3 sessions at 0, 15, 30, 45 s: 25 requests, none refused.
        #expect(summary.errors == 0)
        #expect(summary.sessions.count == 3)
        #expect(summary.records == 1 + 4 * 3 * 2)
        #expect(sim.stats.rateLimited == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files.count == 7 && files.contains("sessions.jsonl"))

        // Replay: the recorded bodies come back, the latest at or before sim time.
        let store = try ReplayStore(directory: dir)
        #expect(store.count == summary.records)
        let replayWall = ManualClock(Date(timeIntervalSince1970: 5))
        let replay = SimulatorServer(host: SimulatorHost(replay: store, wallClock: replayWall.closure),
                                     options: SimulatorOptions(apiKey: "k", rateLimitPerMinute: 0))
        let sid = summary.sessions[0]
        let lines = try String(contentsOf: dir.appendingPathComponent("flights-\(sid).jsonl"), encoding: .utf8)
            .split(separator: "\n").map { ReplayStore.parse(line: Data($0.utf8))! }
        try await Application(router: replay.router()).test(.router) { client in
            let api = LiveAPIClient(apiKey: "k", transport: TestClientTransport(client: client), baseURL: "http://sim")
            #expect(try await api.sessions().count == 3)
            let first = try await client.execute(uri: "/public/v2/sessions/\(sid)/flights", method: .get,
                                                 headers: [.authorization: "Bearer k"])
            #expect(Data(buffer: first.body) == lines[0].body)
            replayWall.advance(20)  // past the second record (at +15 s)
            let second = try await client.execute(uri: "/public/v2/sessions/\(sid)/flights", method: .get,
                                                  headers: [.authorization: "Bearer k"])
            #expect(Data(buffer: second.body) == lines[1].body)
            #expect(lines[0].body != lines[1].body)
            #expect(try await api.flights(session: sid).count > 0)
            // Never recorded: EndpointError.
            #expect(await liveAPIErrorCode { _ = try await api.tracks() } == .endpointError)
            // The key is still required.
            let anonymous = try await client.execute(uri: "/public/v2/sessions", method: .get)
            #expect(String(buffer: anonymous.body) == #"{"errorCode":4,"result":null}"#)
        }
    }
}
