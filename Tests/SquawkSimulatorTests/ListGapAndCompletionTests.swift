import Foundation
import Testing
import SquawkCore
@testable import SquawkSimulator

/// The simulator's flights-list gaps (with truth) and `flight.completed` held to that truth.
@Suite struct ListGapAndCompletionTests {
    @Test("a list gap hides a flight for at most 28 s: a 15 s poller misses it at most twice in a row")
    func gapsAreShort() {
        let gaps = ListGaps.typical
        var hidden = 0, longest = 0, consecutive = 0
        for flight in 0..<200 {
            let key = ListGaps.key("flight-\(flight)")
            var run = 0
            for second in 0..<7_200 {
                if gaps.hides(flight: key, second: second, seed: 9) { run += 1; hidden += 1 } else { run = 0 }
                longest = max(longest, run)
            }
            for phase in 0..<15 {
                var missed = 0
                for sample in stride(from: phase, to: 7_200, by: 15) {
                    missed = gaps.hides(flight: key, second: sample, seed: 9) ? missed + 1 : 0
                    consecutive = max(consecutive, missed)
                }
            }
        }
        #expect(hidden > 0)
        #expect(longest <= gaps.maxDuration)
        #expect(consecutive == 2)
    }

    /// One hour of a 250-flight server sampled every 15 s, diffed.
    static let run: (truth: [TruthEvent], events: [FlightEvent], start: Date) = {
        let world = Fixtures.world(seed: 11, flights: 250)
        let start = world.now
        var state = DiffState()
        var events: [FlightEvent] = []
        var t = start
        while t <= start.addingTimeInterval(3_600 + 90) {
            world.advance(to: t)
            events += SnapshotDiffer.apply(world.snapshot(server: Fixtures.expert), to: &state, config: .default)
            t = t.addingTimeInterval(15)
        }
        return (world.truth(since: start), events, start)
    }()

    @Test("list gaps make no false goodbyes: every flight.offline detected is a true one")
    func noFalseOffline() {
        let (truth, events, start) = Self.run
        let gone = Set(truth.filter { $0.type == .flightOffline && $0.at > start }.compactMap(\.flightId))
        let offline = events.filter { $0.type == .flightOffline }
        #expect(offline.count > 20)
        #expect(offline.filter { !gone.contains($0.flightId ?? "") }.map(\.flightId) == [])
    }

    @Test("flight.completed for every flight that ended, agreeing with the truth")
    func completionsAgree() {
        let (truth, events, start) = Self.run
        let c = CompletionTruth(truth: truth, detected: events, since: start, until: start.addingTimeInterval(3_600))
        let landed = c.cases.filter { !$0.disconnected }
        #expect(landed.count > 20)
        #expect(c.summarised == c.cases.count)
        #expect(c.spurious <= c.cases.count / 20)
        // Times within one sample.
        for k in c.cases {
            for (name, error) in [("off", k.offError), ("on", k.onError), ("in", k.inError)] {
                if let error { #expect(error <= 15, "\(name) \(k.flightId)") }
            }
        }
        #expect(landed.allSatisfy { $0.arrivalCorrect == true })
        // Touchdown rate: median within 50 fpm, nine in ten within 150.
        let rates = landed.compactMap(\.rateError).map(abs).sorted()
        #expect(rates.count >= landed.count * 9 / 10)
        #expect(rates[rates.count / 2] <= 50)
        #expect(rates[rates.count * 9 / 10] <= 150)
        // Flown distance within 5 % (flights of 30 nm or more; shorter ones are mostly the runway).
        let distances = c.cases.filter { ($0.trueFlownNM ?? 0) >= 30 }.compactMap(\.distanceError).map(abs)
        #expect(!distances.isEmpty)
        #expect(distances.filter { $0 <= 0.05 }.count >= distances.count * 95 / 100)
    }
}
