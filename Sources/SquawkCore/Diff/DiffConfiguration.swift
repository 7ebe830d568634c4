import Foundation

/// Thresholds and reference data of the diff engine. Defaults follow the detection hints in
/// ../shared/FACTS.md (takeoff past ~40 kt climbing away from field elevation, landing back near
/// field elevation and slowing) and a 15 s sample interval.
///
/// How one sample is classified (h = altitude − field elevation of the airport resolved within
/// ``airportRadiusNM``; see ``SnapshotDiffer``):
///
/// | ground speed | height / vertical speed | class |
/// | --- | --- | --- |
/// | ≥ ``airborneSpeed`` | h ≥ ``airborneHeight`` | air |
/// | ≥ ``airborneSpeed`` | h ≥ ``liftoffHeight`` and vs ≥ ``climbRate`` | air (just lifted off) |
/// | ≥ ``airborneSpeed`` | h ≤ ``groundHeight`` and \|vs\| < ``levelRate`` | ground (roll) |
/// | < ``airborneSpeed`` | h ≤ ``slowGroundHeight`` | ground |
/// | any | h > ``highAboveFieldHeight`` (or that high above every field within ~60 nm: no lookup) | air |
/// | ≥ ``airborneSpeed`` | no airport within the radius | air |
/// | anything else | | unknown: the phase holds (the hysteresis band) |
public struct DiffConfiguration: Sendable {
    // MARK: - Reference data

    /// Airports for field elevations and "which airport" answers.
    public var airports: AirportIndex {
        get { locator.index }
        set { locator = AirportLocator(newValue) }
    }
    /// The one table naming ATC frequency types (../shared/FACTS.md).
    public var frequencyTable: FrequencyTypeTable

    // MARK: - Phase thresholds

    /// Ground speed (kt) at or above which an aircraft can be flying; below it, it is on the
    /// ground unless well above the field.
    public var airborneSpeed: Double = 40
    /// Height above field (ft) at or above which a fast aircraft is airborne.
    public var airborneHeight: Double = 150
    /// Height above field (ft) from which a fast aircraft climbing at ``climbRate`` is airborne.
    public var liftoffHeight: Double = 20
    /// Vertical speed (ft/min) that counts as climbing away.
    public var climbRate: Double = 300
    /// Height above field (ft) at or below which a fast, level aircraft is rolling on a runway.
    public var groundHeight: Double = 75
    /// |Vertical speed| (ft/min) below which an aircraft is level.
    public var levelRate: Double = 300
    /// Height above field (ft) at or below which a slow aircraft is on the ground.
    public var slowGroundHeight: Double = 500
    /// Height above field (ft) above which an aircraft is airborne whatever its speed.
    public var highAboveFieldHeight: Double = 1500
    /// Ground speed (kt) below which a slow sample on the ground calibrates the field reference.
    public var taxiSpeed: Double = 40
    /// Ground speed (kt) below which a landing roll has ended: a full stop, not a touch-and-go
    /// (a light aircraft's touch-and-go roll can dip to ~30 kt; taxiing is ~5–25 kt).
    public var fullStopSpeed: Double = 25
    /// Samples after a touchdown (still fast, or unclear) after which the landing is called a
    /// full stop anyway; a lift-off before then makes it a touch-and-go.
    /// Six samples cover a float in the flare plus a 45 s touch-and-go roll.
    public var landedSamplesLimit: Int = 6
    /// Ground speed (kt) below which an aircraft on the ground is parked rather than taxiing.
    public var parkedSpeed: Double = 1
    /// A touch-and-go between two airborne samples (no ground sample): the extrapolated time to
    /// the ground from the descending sample plus the time from the ground to the climbing
    /// sample must fit in the interval between them plus this slack (s).
    public var touchAndGoSlack: TimeInterval = 1

    /// Height above the runway (ft) below which an aircraft is in the flare: a sample there
    /// shows the touchdown's sink more closely than the approach's (``TouchdownEstimate``).
    public var flareHeight: Double = 30
    /// Height above the runway (ft) below which a descending sample's own vertical speed is
    /// taken as the touchdown rate (it is well into the flare).
    public var flareReadHeight: Double = 20
    /// Reads touchdown rates the way Squawk did before ``TouchdownEstimate``: the first ground
    /// sample's vertical speed when negative (mostly ground-roll noise), else the last airborne
    /// sample's. Off; kept so `squawk bench detection` can measure before and after in one run.
    public var legacyTouchdownRate = false
    /// Sink rate (ft/min) that ground noise does not reach: on the runway the Live API reads
    /// −30…0; a sample classed on the ground but sinking faster is still in the flare.
    public var groundNoiseRate: Double = 50
    /// Rollout deceleration (kt/s) assumed when two ground samples do not measure it: to time a
    /// touchdown back from the first ground sample's speed (``TouchdownEstimate``).
    public var rolloutDeceleration: Double = 3.5
    /// The same for a touch-and-go's roll (no brakes, idle then power): kt/s.
    public var touchAndGoDeceleration: Double = 1.5

    // MARK: - Places and events

    /// Radius (nm) within which an aircraft is "at" an airport.
    public var airportRadiusNM: Double = 5
    /// Distance (nm) from the planned destination at which `flight.approaching` fires.
    public var approachingDistanceNM: Double = 50
    /// Snapshots a flight may be missing before it is `flight.offline` (2: a flight missing from
    /// up to two consecutive snapshots and then back is the same flight, still online — real
    /// flights lists have such gaps; the third missed snapshot makes it offline, dated at the
    /// first one without it).
    public var offlineGraceSamples: Int = 2
    /// Snapshots with an ATC list a frequency may be missing before it is `atc.closed`.
    public var atcGraceSamples: Int = 1
    /// A gap between snapshots longer than this (s) reseeds the state silently (polling was
    /// paused: what changed meanwhile cannot be told apart from what was always so).
    public var reseedGap: TimeInterval = 300
    /// How long (s) the event sequence of a vanished flight or frequency is remembered, so that
    /// the same id coming back continues its sequence instead of repeating event ids.
    public var retiredRetention: TimeInterval = 6 * 3600

    /// The grid over ``airports``.
    private(set) var locator: AirportLocator

    // MARK: - Init

    public init(airports: AirportIndex = .bundled, frequencyTable: FrequencyTypeTable = .seeds) {
        self.locator = AirportLocator(airports)
        self.frequencyTable = frequencyTable
    }

    /// Defaults with the bundled airports and the seeds' frequency numbering (built once).
    public static let `default` = DiffConfiguration()
}
