import Foundation
import Testing
@testable import SquawkCore

/// The diff engine, specified by fixture files: given the snapshots in `before.json`, when
/// `after.json` arrives, then exactly the events of `expected.json` come out, in order.
@Suite("SnapshotDiffer fixtures")
struct DiffFixtureTests {
    @Test("fixture case", arguments: DiffFixture.names)
    func fixtureCase(_ name: String) throws {
        let fixture = try DiffFixture.load(name)
        var state = DiffState()
        for snapshot in fixture.before { SnapshotDiffer.apply(snapshot, to: &state, config: .default) }
        let events = SnapshotDiffer.apply(fixture.after, to: &state, config: .default)

        #expect(events.map(\.type.rawValue) == fixture.expected.map(\.type),
                "\(name): got \(events.map { "\($0.type.rawValue) \($0.airport ?? "-") \($0.data)" })")
        for (event, expected) in zip(events, fixture.expected) {
            check(event, against: expected, in: name)
        }
    }

    @Test("a state persisted between snapshots gives the same events", arguments: DiffFixture.names)
    func persistedState(_ name: String) throws {
        let fixture = try DiffFixture.load(name)
        var state = DiffState()
        for snapshot in fixture.before { SnapshotDiffer.apply(snapshot, to: &state, config: .default) }
        let restored = try JSONDecoder().decode(DiffState.self, from: JSONEncoder().encode(state))
        #expect(restored == state)
        let (_, direct) = SnapshotDiffer.diff(state, fixture.after, config: .default)
        let (_, replayed) = SnapshotDiffer.diff(restored, fixture.after, config: .default)
        #expect(direct == replayed)
    }

    @Test("every Live API event type the differ emits has a fixture (FLS events have their own differ and tests)")
    func coverage() throws {
        var seen: Set<String> = []
        for name in DiffFixture.names { seen.formUnion(try DiffFixture.load(name).expected.map(\.type)) }
        let wanted = Set(EventType.allCases.filter { $0 != .subscriptionTest && !$0.isFLS }.map(\.rawValue))
        #expect(wanted.subtracting(seen).isEmpty, "no fixture for \(wanted.subtracting(seen).sorted())")
    }

    // MARK: - Comparing

    func check(_ e: FlightEvent, against x: DiffFixture.ExpectedEvent, in name: String) {
        let where_ = "\(name) / \(x.type)"
        if let t = x.t { #expect(e.at == DiffFixture.epoch.addingTimeInterval(t), "\(where_): at") }
        if let v = x.flightId { #expect(e.flightId == v, "\(where_): flightId") }
        if let v = x.userId { #expect(e.userId == v, "\(where_): userId") }
        if let v = x.callsign { #expect(e.callsign == v, "\(where_): callsign") }
        if let v = x.airport { #expect(e.airport == v, "\(where_): airport") }
        if let v = x.frequencyId { #expect(e.frequencyId == v, "\(where_): frequencyId") }
        #expect(e.server == DiffFixture.server, "\(where_): server")
        #expect(e.id == EventID.make(subject: e.flightId ?? e.frequencyId ?? "\(DiffFixture.server.id)/atis/\(e.airport ?? "")",
                                     type: e.type, sequence: sequenceOf(e)), "\(where_): id")
        for (key, value) in x.data ?? [:] {
            #expect(e.data[key] == value, "\(where_): data.\(key) = \(String(describing: e.data[key]))")
        }
    }

    /// The sequence an event's id was made with (searching the few plausible ones).
    func sequenceOf(_ e: FlightEvent) -> Int {
        let subject = e.flightId ?? e.frequencyId ?? "\(DiffFixture.server.id)/atis/\(e.airport ?? "")"
        return (0..<64).first { EventID.make(subject: subject, type: e.type, sequence: $0) == e.id } ?? -1
    }
}
