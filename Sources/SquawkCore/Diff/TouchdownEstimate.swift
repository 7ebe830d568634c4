import Foundation

/// Where a landing's `touchdownRate` came from (`touchdownRateSource` in the payload).
public enum TouchdownRateSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// The last airborne sample was in the flare (within ``DiffConfiguration/flareHeight`` of the
    /// runway, descending): its average sink from there to the touchdown.
    case flare
    /// The last airborne sample was still on the approach: the sink over the flare, from the
    /// time left between reaching flare height at the sample's own sink rate and touching down.
    case estimated
}

/// What the samples around a touchdown tell, and the touchdown rate they support.
///
/// At the Live API's 15 s cadence the flare (the last ~30 ft, a few seconds) is usually between
/// two samples, and the first ground sample's vertical speed is ground-roll noise (in a world
/// sample, 47 of 81 landings read −30…0 fpm there while the truth was −595…−86). So the rate is
/// never read from a ground sample. Instead:
///
/// 1. **When did the wheels touch?** The rollout decelerates steadily: the time from the
///    touchdown to the first ground sample is (speed of the last airborne sample − first ground
///    speed) ÷ deceleration, the deceleration measured between the first two ground samples
///    when both are still rolling out, else ``DiffConfiguration/rolloutDeceleration``.
/// 2. **How fast did it sink there?** `D` = seconds from the last airborne sample to that
///    touchdown, `h` its height above the first ground sample's altitude (the runway, gear
///    included), `v` its vertical speed, `H` = flare height:
///
/// | last airborne sample | rate | source |
/// | --- | --- | --- |
/// | `h ≤ H` (in the flare) | −h ÷ D (its average sink to the ground) | `flare` |
/// | `h > H`, descending (v ≤ −100 fpm) | −H ÷ F, F = D − (h − H) ÷ \|v\| (the time left for the flare) | `estimated` |
/// | `h > H` and F < 1 s, or not descending, or no ground sample | none (`null`): the samples contradict a flare or do not show it | — |
/// | the "first ground sample" still sinks faster than ground noise, and no later ground sample | that sample's own vertical speed (it was in the flare, low enough to be classed on the ground) | `flare` |
///
/// When the sample first classed on the ground still sinks faster than ground noise
/// (``DiffConfiguration/groundNoiseRate``; on the runway the reading is −30…0), it was in the
/// flare: the next ground sample re-bases the evidence on it as the last airborne one.
///
/// A rate is never steeper than the sample's own sink (the flare only slows it) and never
/// shallower than ``minimumRate``.
struct TouchdownEstimate: Sendable, Hashable {
    var rate: Double
    var source: TouchdownRateSource

    /// Sinks shallower than this (ft/min) are reported as this: a real touchdown sinks.
    static let minimumRate: Double = -10

    /// The samples around one touchdown, as the phase machine collects them.
    struct Evidence: Sendable, Hashable, Codable {
        /// Height (ft) of the last airborne sample above the first ground sample's altitude.
        var height: Float
        /// Vertical speed (ft/min) and ground speed (kt) of the last airborne sample.
        var verticalSpeed: Float
        var airSpeed: Float
        /// Seconds from the last airborne sample to the first ground sample, and the time of the latter.
        var gap: Float
        var groundAt: Date
        /// Great-circle distance between the two samples, nautical miles.
        var distance: Float
        /// Ground speed (kt) of the first ground sample.
        var firstGroundSpeed: Float
        /// Ground speed (kt) of the next ground sample and seconds after the first, when seen.
        var secondGroundSpeed: Float?
        var secondGap: Float?
        /// The "first ground sample" was sinking faster than ground noise
        /// (``DiffConfiguration/groundNoiseRate``): most likely still in the flare, low enough to
        /// be classed on the ground. Its vertical speed, until a real ground sample re-bases the
        /// evidence on it as the last airborne one.
        var flareRate: Float?
    }

    /// When the wheels touched, as the rollout tells (see ``secondsOnGround(_:touchAndGo:config:)``).
    static func wheelsOn(_ e: Evidence, touchAndGo: Bool, config c: DiffConfiguration) -> Date {
        e.groundAt.addingTimeInterval(-secondsOnGround(e, touchAndGo: touchAndGo, config: c))
    }

    /// Seconds from the touchdown to the first ground sample, within the gap; the deceleration
    /// measured between the first two ground samples when both still roll, else the configured one.
    static func secondsOnGround(_ e: Evidence, touchAndGo: Bool, config c: DiffConfiguration) -> Double {
        let g1 = Double(e.firstGroundSpeed)
        var deceleration = touchAndGo ? c.touchAndGoDeceleration : c.rolloutDeceleration
        if let g2 = e.secondGroundSpeed.map(Double.init), let dt = e.secondGap.map(Double.init), dt > 0,
           g2 >= c.fullStopSpeed, g1 > g2 {
            deceleration = min(max((g1 - g2) / dt, 0.5), 10)
        }
        return min(max(timeOnGround(e, deceleration: deceleration), 0), max(0, Double(e.gap)))
    }

    /// Seconds from the touchdown to the first ground sample. By distance: the samples are
    /// `s` apart; in the air the speed goes linearly from `va` (last airborne sample) to the
    /// touchdown speed `vt`, on the ground from `vt` down to `g1` at deceleration `a`, so with
    /// `x` seconds on the ground (`vt = g1 + a·x`):
    /// `s = (gap − x)(va + vt)/2 + x(vt + g1)/2`, which is linear in `x`:
    /// `x = (2s − gap·(va + g1)) ÷ (gap·a − va + g1)`. When that has no answer inside the gap,
    /// by speed alone: `x = (va − g1) ÷ a`.
    static func timeOnGround(_ e: Evidence, deceleration a: Double) -> Double {
        let va = Double(e.airSpeed), g1 = Double(e.firstGroundSpeed), gap = Double(e.gap)
        let s = Double(e.distance) * 3_600 // knot-seconds
        let denominator = gap * a - va + g1
        if abs(denominator) > 1e-6 {
            let x = (2 * s - gap * (va + g1)) / denominator
            if x.isFinite, x >= 0, x <= gap { return x }
        }
        return (va - g1) / a
    }

    /// The touchdown rate `evidence` supports, or nil (see the type's table).
    static func estimate(_ e: Evidence, touchAndGo: Bool, config c: DiffConfiguration) -> TouchdownEstimate? {
        if let flare = e.flareRate {
            return TouchdownEstimate(rate: min(Double(flare), minimumRate), source: .flare)
        }
        let h = Double(e.height), v = Double(e.verticalSpeed), gap = Double(e.gap)
        guard gap > 0, h.isFinite, v.isFinite else { return nil }
        let sinceTouchdown = secondsOnGround(e, touchAndGo: touchAndGo, config: c)
        let d = gap - sinceTouchdown // seconds from the last airborne sample to the touchdown
        let H = c.flareHeight
        let rate: Double, source: TouchdownRateSource
        if h <= c.flareReadHeight {
            // Low in the flare: its own sink is the touchdown's, near enough.
            guard v < 0 else { return nil }
            rate = v
            source = .flare
        } else if h <= H {
            guard d >= 0.5 else { return v < 0 ? TouchdownEstimate(rate: min(v, minimumRate), source: .estimated) : nil }
            rate = -h / d * 60
            source = .estimated
        } else {
            guard v <= -100 else { return nil }
            let flare = d - (h - H) / -v * 60
            guard flare >= 1 else { return nil }
            rate = -H / flare * 60
            source = .estimated
        }
        let bounded = min(max(rate, min(v, minimumRate)), minimumRate)
        return TouchdownEstimate(rate: bounded, source: source)
    }
}
