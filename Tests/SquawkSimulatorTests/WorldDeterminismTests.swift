import Foundation
import Testing
import SquawkCore
import SquawkLiveAPI
@testable import SquawkSimulator

/// Same seed and clock → byte-identical responses; another seed → another world.
@Suite struct WorldDeterminismTests {
    /// The flights list, ATC list and truth of `world`, as the bytes the simulator serves.
    static func bytes(_ world: World) throws -> Data {
        let server = world.serverRefs[0].id
        var out = try LiveAPIDate.makeEncoder().encode(try world.flightEntries(server: server))
        out.append(try LiveAPIDate.makeEncoder().encode(try world.facilities(server: server)))
        out.append(try LiveAPIDate.makeEncoder().encode(try world.worldStatus(server: server)))
        out.append(try SimulatorServer.plainEncoder().encode(world.truth(since: .distantPast)))
        return out
    }

    @Test func sameSeedAndClockGiveIdenticalBytesWhateverTheAdvanceSequence() throws {
        let a = Fixtures.world(seed: 9, flights: 120)
        let b = Fixtures.world(seed: 9, flights: 120)
        // Given two worlds advanced to the same instants through different step sequences…
        var t = 0.0
        for step in [15.0, 15, 15, 15, 60, 300] {
            t += step
            a.advance(to: Fixtures.start.addingTimeInterval(t))
        }
        for step in [7.5, 1, 22.9, 100, 289.6, 0.5, 0.5] {
            b.advance(to: b.now.addingTimeInterval(step))
        }
        b.advance(to: Fixtures.start.addingTimeInterval(t))
        // …they serve the same bytes.
        #expect(a.now == b.now)
        let bytesA = try Self.bytes(a)
        #expect(bytesA == (try Self.bytes(b)))
        #expect(bytesA.count > 10_000)
        // And the Snapshot values are equal too.
        #expect(a.snapshot(server: Fixtures.expert) == b.snapshot(server: Fixtures.expert))
    }

    @Test func differentSeedsGiveDifferentWorlds() throws {
        let a = Fixtures.world(seed: 1, flights: 50)
        let b = Fixtures.world(seed: 2, flights: 50)
        a.advance(to: Fixtures.start.addingTimeInterval(60))
        b.advance(to: Fixtures.start.addingTimeInterval(60))
        #expect(try Self.bytes(a) != (try Self.bytes(b)))
        let idsA = Set(a.snapshot(server: Fixtures.expert).flights.map(\.flightId))
        let idsB = Set(b.snapshot(server: Fixtures.expert).flights.map(\.flightId))
        #expect(idsA.isDisjoint(with: idsB))
    }

    @Test func defaultServersDeriveFromTheSeed() {
        let a = WorldConfiguration.defaultServers(seed: 5)
        #expect(a.map(\.name) == ["Casual Server", "Training Server", "Expert Server"])
        #expect(a == WorldConfiguration.defaultServers(seed: 5))
        #expect(a.map(\.id) != WorldConfiguration.defaultServers(seed: 6).map(\.id))
        #expect(Set(a.map(\.id)).count == 3)
    }

    @Test func truthJSONUsesTheAgreedKeys() throws {
        let world = Fixtures.world(flights: 20)
        world.advance(to: Fixtures.start.addingTimeInterval(120))
        let event = try #require(world.truth(since: .distantPast).first)
        let data = try SimulatorServer.plainEncoder().encode(event)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["type", "at", "server", "flightId", "userId", "callsign", "airport", "frequencyId",
                                     "frequencyType", "touchdownRate", "touchAndGo", "airborne", "details"])
        #expect((object["type"] as? String)?.contains(".") == true)
        let at = try #require(object["at"] as? String)
        #expect(at.hasSuffix("Z") && at.contains("."))
        #expect(try JSONDecoder().decode(TruthEvent.self, from: data) == event)
    }
}
