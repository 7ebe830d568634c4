import Foundation
import SquawkCore
import Testing
@testable import SquawkFLS

/// Every FLS event from successive records of one flight: given the state after `before`,
/// when `after` is seen, then exactly `expected` is raised.
@Suite("FLS differ")
struct FLSDifferTests {
    static let flightId = "ba96b0f3-024b-4b3f-88c6-a8c6da53e915"
    static let gliderId = "7124dc54-4f4d-4dde-889e-d6e22a90c647"
    static let towId = "f0acd39b-e0d8-4c46-87b3-0502d156fb53"
    static let t0 = Date(timeIntervalSince1970: 1_751_601_385)

    /// A record with a glider leg (and a tow leg for aero-tows) in the given state.
    static func record(start: Date? = nil, landing: Date? = nil, air: FLSAirState = .new, process: FLSProcessState = .notProcessed,
                       landings: Int? = nil, tow: FLSLeg? = nil, type: FLSStartType = .winch) -> FLSFlightDetails {
        var g = FLSLeg(flightId: gliderId)
        g.startDateTime = start.map { FLSDateTime($0) }
        g.ldgDateTime = landing.map { FLSDateTime($0) }
        g.airStateId = air
        g.processStateId = process
        g.nrOfLdgs = landings
        return FLSFlightDetails(flightId: flightId, startType: type, glider: g, tow: tow)
    }

    static func towLeg(start: Date? = nil, landing: Date? = nil) -> FLSLeg {
        var t = FLSLeg(flightId: towId)
        t.startDateTime = start.map { FLSDateTime($0) }
        t.ldgDateTime = landing.map { FLSDateTime($0) }
        return t
    }

    /// Runs the records in order (each observed a minute after the last); the events of each.
    static func run(_ records: [FLSFlightDetails], seedFirst: Bool = false, state: inout FLSDiffState) -> [[FlightEvent]] {
        records.enumerated().map { i, r in
            FLSDiffer.diff(&state, flights: [r], instance: "club", observedAt: t0.addingTimeInterval(Double(i) * 60),
                           seeding: seedFirst && i == 0)
        }
    }

    static func run(_ records: [FLSFlightDetails], seedFirst: Bool = false) -> [[FlightEvent]] {
        var state = FLSDiffState()
        return run(records, seedFirst: seedFirst, state: &state)
    }

    static func types(_ steps: [[FlightEvent]]) -> [[String]] { steps.map { $0.map(\.type.rawValue) } }

    @Test("start time appears → fls.takeoff with the launch method; the same record again → nothing")
    func takeoff() throws {
        let steps = Self.run([Self.record(), Self.record(start: Self.t0, air: .started), Self.record(start: Self.t0, air: .started)])
        #expect(Self.types(steps) == [[], ["fls.takeoff"], []])
        let e = try #require(steps[1].first)
        #expect(e.flightId == Self.flightId)
        #expect(e.server == ServerRef(id: "fls:club", name: "club"))
        #expect(e.data["leg"] == "glider")
        #expect(e.data["legFlightId"]?.stringValue == Self.gliderId)
        #expect(e.data["startType"] == "winch")
        #expect(e.data["startTime"] == "2025-07-04T03:56:25Z")
    }

    @Test("landing time appears → fls.landing with duration and landings count")
    func landing() throws {
        let land = Self.t0.addingTimeInterval(4_500)
        let steps = Self.run([Self.record(start: Self.t0, air: .started),
                              Self.record(start: Self.t0, landing: land, air: .landed, landings: 2)])
        #expect(Self.types(steps) == [["fls.takeoff"], ["fls.landing"]])
        let e = try #require(steps[1].first)
        #expect(e.data["durationSeconds"]?.doubleValue == 4_500)
        #expect(e.data["landings"]?.doubleValue == 2)
        #expect(e.data["landingTime"] == "2025-07-04T05:11:25Z")
    }

    @Test("air state 8 before a start time → fls.might_have_started; the time later → fls.takeoff")
    func mightHaveStarted() {
        let steps = Self.run([Self.record(), Self.record(air: .mightBeStarted), Self.record(air: .mightBeStarted),
                              Self.record(start: Self.t0, air: .started)])
        #expect(Self.types(steps) == [[], ["fls.might_have_started"], [], ["fls.takeoff"]])
    }

    @Test("air state 15 before a landing time → fls.might_have_landed; the time later → fls.landing")
    func mightHaveLanded() {
        let land = Self.t0.addingTimeInterval(1_800)
        let steps = Self.run([Self.record(start: Self.t0, air: .started), Self.record(start: Self.t0, air: .mightBeLandedOrInAir),
                              Self.record(start: Self.t0, landing: land, air: .landed)])
        #expect(Self.types(steps) == [["fls.takeoff"], ["fls.might_have_landed"], ["fls.landing"]])
    }

    @Test("an edited start time is fls.corrected with old and new, never a second takeoff")
    func correctedStart() throws {
        let edited = Self.t0.addingTimeInterval(-120)
        let steps = Self.run([Self.record(start: Self.t0, air: .started), Self.record(start: edited, air: .started),
                              Self.record(start: edited, air: .started)])
        #expect(Self.types(steps) == [["fls.takeoff"], ["fls.corrected"], []])
        let e = try #require(steps[1].first)
        #expect(e.data["field"] == "start")
        #expect(e.data["old"] == "2025-07-04T03:56:25Z")
        #expect(e.data["new"] == "2025-07-04T03:54:25Z")
        #expect(e.id != steps[0][0].id)
    }

    @Test("a removed, then re-entered start time: two corrections, still one takeoff")
    func removedStart() throws {
        let steps = Self.run([Self.record(start: Self.t0, air: .started), Self.record(), Self.record(start: Self.t0, air: .started)])
        #expect(Self.types(steps) == [["fls.takeoff"], ["fls.corrected"], ["fls.corrected"]])
        #expect(steps[1][0].data["new"] == .null)
        #expect(steps[2][0].data["old"] == .null)
        #expect(steps[1][0].id != steps[2][0].id, "each correction is its own event")
    }

    @Test("an edited landing time is fls.corrected (field landing)")
    func correctedLanding() throws {
        let land = Self.t0.addingTimeInterval(3_600)
        let steps = Self.run([Self.record(start: Self.t0, landing: land, air: .landed),
                              Self.record(start: Self.t0, landing: land.addingTimeInterval(300), air: .landed)])
        #expect(Self.types(steps) == [["fls.takeoff", "fls.landing"], ["fls.corrected"]])
        #expect(steps[1][0].data["field"] == "landing")
    }

    @Test("process state transitions are fls.state_changed, known or not")
    func stateChanged() throws {
        let land = Self.t0.addingTimeInterval(3_600)
        let r = { (p: Int) in Self.record(start: Self.t0, landing: land, air: .landed, process: FLSProcessState(rawValue: p)) }
        let steps = Self.run([r(0), r(30), r(40), r(35), r(60), r(60)])
        #expect(Self.types(steps) == [["fls.takeoff", "fls.landing"], ["fls.state_changed"], ["fls.state_changed"],
                                      ["fls.state_changed"], ["fls.state_changed"], []])
        #expect(steps[1][0].data["from"] == "not_processed" && steps[1][0].data["to"] == "valid")
        #expect(steps[2][0].data["to"] == "locked")
        #expect(steps[3][0].data["to"] == "unknown" && steps[3][0].data["toId"]?.doubleValue == 35)
        #expect(steps[4][0].data["from"] == "unknown" && steps[4][0].data["to"] == "delivery_booked")
    }

    @Test("a flight first seen already flown raises takeoff and landing, but no state change")
    func firstSightAfterTheFact() {
        let steps = Self.run([Self.record(start: Self.t0, landing: Self.t0.addingTimeInterval(900), air: .landed, process: .valid)])
        #expect(Self.types(steps) == [["fls.takeoff", "fls.landing"]])
    }

    @Test("seeding records silently; changes after it are raised")
    func seeding() {
        let steps = Self.run([Self.record(start: Self.t0, air: .started, process: .notProcessed),
                              Self.record(start: Self.t0, landing: Self.t0.addingTimeInterval(600), air: .landed, process: .valid)],
                             seedFirst: true)
        #expect(Self.types(steps) == [[], ["fls.landing", "fls.state_changed"]])
    }

    @Test("seeding over known legs raises nothing either (a pause in watching)")
    func reseeding() {
        var state = FLSDiffState()
        _ = Self.run([Self.record(start: Self.t0, air: .started)], state: &state)
        let later = FLSDiffer.diff(&state, flights: [Self.record(start: Self.t0, landing: Self.t0.addingTimeInterval(600), air: .landed)],
                                   instance: "club", observedAt: Self.t0.addingTimeInterval(7_200), seeding: true)
        #expect(later.isEmpty)
        let again = FLSDiffer.diff(&state, flights: [Self.record(start: Self.t0, landing: Self.t0.addingTimeInterval(600), air: .landed)],
                                   instance: "club", observedAt: Self.t0.addingTimeInterval(7_260))
        #expect(again.isEmpty, "the landing seen while seeding is not raised later")
    }

    @Test("glider and tow legs are separate subjects: take off together, land apart, distinct ids")
    func gliderAndTow() throws {
        let towDown = Self.t0.addingTimeInterval(600)
        let steps = Self.run([
            Self.record(start: Self.t0, air: .started, tow: Self.towLeg(start: Self.t0), type: .aeroTow),
            Self.record(start: Self.t0, air: .started, tow: Self.towLeg(start: Self.t0, landing: towDown), type: .aeroTow),
        ])
        #expect(steps[0].map { "\($0.type.rawValue)/\($0.data["leg"]?.stringValue ?? "")" } == ["fls.takeoff/glider", "fls.takeoff/tow"])
        #expect(steps[1].map { "\($0.type.rawValue)/\($0.data["leg"]?.stringValue ?? "")" } == ["fls.landing/tow"])
        #expect(steps[0][0].id != steps[0][1].id)
        #expect(steps[0][1].data["startType"] == "aero_tow")
        #expect(steps[0][1].data["legFlightId"]?.stringValue == Self.towId)
    }

    @Test("event ids are deterministic: the same history gives the same ids, and a restored state continues it")
    func deterministicIds() throws {
        let history = [Self.record(), Self.record(start: Self.t0, air: .started), Self.record(start: Self.t0.addingTimeInterval(60), air: .started)]
        let a = Self.run(history).flatMap { $0 }.map(\.id)
        let b = Self.run(history).flatMap { $0 }.map(\.id)
        #expect(a == b && a.count == 2)
        // Persist after the takeoff, restore, continue: the correction gets the same id.
        var state = FLSDiffState()
        _ = Self.run(Array(history.prefix(2)), state: &state)
        var restored = try JSONDecoder().decode(FLSDiffState.self, from: JSONEncoder().encode(state))
        let rest = FLSDiffer.diff(&restored, flights: [history[2]], instance: "club", observedAt: Self.t0.addingTimeInterval(120))
        #expect(rest.map(\.id) == [a[1]])
    }

    @Test("records without an id are skipped; pruning forgets old legs")
    func housekeeping() {
        var state = FLSDiffState()
        var anonymous = Self.record(start: Self.t0)
        anonymous.flightId = nil
        anonymous.id = nil
        #expect(FLSDiffer.diff(&state, flights: [anonymous], instance: "club", observedAt: Self.t0).isEmpty)
        _ = FLSDiffer.diff(&state, flights: [Self.record()], instance: "club", observedAt: Self.t0)
        #expect(state.legs.count == 1)
        state.prune(now: Self.t0.addingTimeInterval(6 * 86_400))
        #expect(state.legs.count == 1)
        state.prune(now: Self.t0.addingTimeInterval(8 * 86_400))
        #expect(state.legs.isEmpty)
    }
}
