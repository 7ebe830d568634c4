import Foundation
import Testing
@testable import SquawkCore

/// The touchdown rate rule (``TouchdownEstimate``) by value, and the list-gap rules of the
/// differ: a flight missing from up to two snapshots is still online; a flight first seen just
/// after the seeding snapshot may have been hidden by a gap then.
@Suite("Touchdown rates and list gaps")
struct TouchdownAndGapTests {
    typealias Evidence = TouchdownEstimate.Evidence
    let config = DiffConfiguration.default

    /// Evidence with a distance that matches `touchdownAfter` seconds from the airborne sample
    /// (speed linear to the touchdown, then decelerating at `deceleration`).
    static func evidence(height: Float, vs: Float, air: Float = 140, gap: Float = 15, touchdownAfter d: Float,
                         deceleration a: Float = 3.5, firstGround g1: Float = 120) -> Evidence {
        let x = gap - d, vt = g1 + a * x
        let knotSeconds = d * (air + vt) / 2 + x * (vt + g1) / 2
        return Evidence(height: height, verticalSpeed: vs, airSpeed: air, gap: gap, groundAt: Date(timeIntervalSince1970: 0),
                        distance: knotSeconds / 3_600,
                        firstGroundSpeed: g1)
    }

    @Test("the touchdown rate table", arguments: [
        // (height, vs, seconds to touchdown, expected rate, source)
        (12, -180, 6, -180, "flare"),          // low in the flare: its own sink
        (25, -400, 5, -300, "estimated"),      // in the flare band: average sink to the ground (25 ft in 5 s)
        (100, -700, 11, -360, "estimated"),    // on the approach: 70 ft in 6 s, then 30 ft over the 5 s left
        (250, -700, 10, nil, nil),             // 220 ft at 700 fpm takes 18.9 s: no time left for a flare
        (100, -50, 10, nil, nil),              // not descending on the approach: nothing supports a rate
    ] as [(Float, Float, Float, Double?, String?)])
    func table(height: Float, vs: Float, after: Float, rate: Double?, source: String?) {
        let e = Self.evidence(height: height, vs: vs, touchdownAfter: after)
        let estimate = TouchdownEstimate.estimate(e, touchAndGo: false, config: config)
        #expect(estimate?.rate.rounded() == rate)
        #expect(estimate?.source.rawValue == source)
    }

    @Test("a 'ground' sample still sinking faster than ground noise was in the flare: its own rate")
    func flareSampleClassedOnGround() {
        var e = Self.evidence(height: 300, vs: -700, touchdownAfter: 14)
        e.flareRate = -140
        #expect(TouchdownEstimate.estimate(e, touchAndGo: false, config: config) == TouchdownEstimate(rate: -140, source: .flare))
    }

    @Test("the rollout's deceleration is measured between two ground samples when both still roll")
    func measuredDeceleration() {
        // Truly 2 kt/s: with the default 3.5 the touchdown would be timed later (shorter roll).
        var e = Self.evidence(height: 100, vs: -700, touchdownAfter: 11, deceleration: 2)
        let assumed = TouchdownEstimate.estimate(e, touchAndGo: false, config: config)
        e.secondGroundSpeed = 90
        e.secondGap = 15
        let measured = TouchdownEstimate.estimate(e, touchAndGo: false, config: config)
        #expect(measured?.rate.rounded() == -360)
        #expect(assumed?.rate.rounded() != -360)
    }

    @Test("the estimate is never steeper than the sample's own sink, nor shallower than -10 fpm")
    func bounds() {
        for d: Float in stride(from: 1, through: 15, by: 0.5) {
            for h: Float in [0, 5, 19, 29, 60, 150] {
                let e = Self.evidence(height: h, vs: -650, touchdownAfter: d)
                guard let r = TouchdownEstimate.estimate(e, touchAndGo: false, config: config)?.rate else { continue }
                #expect(r >= -650 && r <= -10, "h \(h) d \(d): \(r)")
            }
        }
    }

    // MARK: - Gaps

    let server = ServerRef(id: "srv", name: "Expert Server")
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func parked(_ id: String) throws -> FlightSample {
        let a = try #require(AirportIndex.bundled["EGLL"])
        return FlightSample(flightId: id, userId: "U-\(id)", callsign: id, latitude: a.latitude, longitude: a.longitude,
                            altitude: a.elevation, speed: 0, lastReport: t0)
    }

    func run(_ script: [[FlightSample]]) -> [(Int, FlightEvent)] {
        var state = DiffState()
        var out: [(Int, FlightEvent)] = []
        for (i, flights) in script.enumerated() {
            let s = Snapshot(server: server, takenAt: t0.addingTimeInterval(Double(i) * 15), flights: flights)
            out += SnapshotDiffer.apply(s, to: &state, config: config).map { (i, $0) }
        }
        return out
    }

    @Test("missing from one or two snapshots and back: the same flight, still online, no events")
    func shortGapsAreSilent() throws {
        let f = try parked("F1")
        #expect(run([[f], [f], [], [f], [], [], [f], [f]]).isEmpty)
    }

    @Test("missing from three snapshots: offline, dated at the first snapshot without it")
    func thirdMissIsOffline() throws {
        let f = try parked("F1")
        let events = run([[f], [f], [], [], []])
        #expect(events.map(\.1.type) == [.flightOffline])
        #expect(events.first?.0 == 4)
        #expect(events.first?.1.at == t0.addingTimeInterval(30))
        #expect(events.first?.1.data["lastSeenAt"] == .string(t0.addingTimeInterval(15).formatted(.iso8601)))
    }

    @Test("a flight first seen within the grace after seeding is tracked silently; later, it is news")
    func arrivalsJustAfterSeeding() throws {
        let early = try parked("EARLY"), late = try parked("LATE")
        let events = run([[], [early], [early], [early, late]])
        #expect(events.map(\.1.type) == [.flightOnline])
        #expect(events.first?.1.flightId == "LATE")
    }
}
