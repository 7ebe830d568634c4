import Foundation
import SquawkFLS

/// How a simulated gliding-club day is laid out.
public struct ClubDayConfiguration: Sendable, Hashable {
    public var seed: UInt64
    /// Sim time the day begins.
    public var start: Date
    /// Sim seconds from the start to the first launch.
    public var firstLaunchAfter: Double
    /// Flights logged over the day.
    public var flights: Int
    /// Mean sim seconds between launches (each gap is drawn from half to one and a half of it).
    public var meanLaunchGap: Double

    public init(seed: UInt64 = 1, start: Date, flights: Int = 40, meanLaunchGap: Double = 180, firstLaunchAfter: Double = 120) {
        self.seed = seed
        self.firstLaunchAfter = firstLaunchAfter
        self.start = start
        self.flights = flights
        self.meanLaunchGap = meanLaunchGap
    }
}

/// A deterministic club day of FLS flight records: aero-tows (a glider leg and a tow leg that
/// take off together and land apart), winch launches, self-launches and motor flights, logged
/// the way clubs log them — sometimes late, sometimes first as "started, no time yet", with
/// times corrected afterwards, then validated, locked and booked.
///
/// Everything is a pure function of the configuration and the time asked about: each leg is a
/// script of timed changes (``Step``), a record "as of" a time applies the steps up to it, and
/// the ground truth is the list of steps that a flight log watcher should report.
public struct ClubDay: Sendable {
    public let configuration: ClubDayConfiguration
    public let flights: [Flight]

    /// One scripted flight.
    public struct Flight: Sendable {
        public var id: String
        public var startType: FLSStartType
        /// When the record first exists (before any step of its legs).
        public var createdAt: Date
        public var legs: [Leg]
    }

    /// One scripted leg.
    public struct Leg: Sendable {
        public var kind: FLSLegKind
        public var id: String
        public var aircraftId: String
        public var pilotId: String
        public var steps: [Step]
    }

    /// A change to a leg's record at a sim time.
    public struct Step: Sendable, Hashable {
        public enum Change: Sendable, Hashable {
            /// "Started, no start time yet" (air state 8).
            case noStartTime
            /// The start time is logged (or edited: a later `.start` is a correction).
            case start(Date)
            /// "Landed or still flying, no landing time yet" (air state 15).
            case noLandingTime
            case landing(Date, landings: Int)
            case process(Int)
        }
        public var at: Date
        public var change: Change
    }

    public init(_ configuration: ClubDayConfiguration) {
        self.configuration = configuration
        var rng = SimRandom(seed: SimRandom.mix(configuration.seed, 0xF15_C1B))
        var launch = configuration.start.addingTimeInterval(configuration.firstLaunchAfter)
        var flights: [Flight] = []
        for _ in 0..<max(0, configuration.flights) {
            var r = rng.derived(rng.next())
            flights.append(Self.script(launch: launch, rng: &r))
            launch = launch.addingTimeInterval(rng.uniform(0.5, 1.5) * configuration.meanLaunchGap)
        }
        self.flights = flights
    }

    // MARK: - Scripting

    static func script(launch: Date, rng: inout SimRandom) -> Flight {
        let type = [FLSStartType.aeroTow, .winch, .selfLaunch, .motorFlight][rng.weighted([0.5, 0.3, 0.1, 0.1])]
        let id = rng.uuid()
        var legs: [Leg] = []
        func leg(_ kind: FLSLegKind, minutes: ClosedRange<Double>) -> Leg {
            let landing = launch.addingTimeInterval(rng.uniform(minutes.lowerBound, minutes.upperBound) * 60)
            return Leg(kind: kind, id: rng.uuid(), aircraftId: rng.uuid(), pilotId: rng.uuid(),
                       steps: steps(launch: launch, landing: landing, rng: &rng))
        }
        switch type {
        case .aeroTow:
            legs.append(leg(.glider, minutes: 25...150))
            legs.append(leg(.tow, minutes: 7...15))
        case .winch: legs.append(leg(.glider, minutes: 5...60))
        case .selfLaunch: legs.append(leg(.glider, minutes: 30...150))
        default: legs.append(leg(.motor, minutes: 30...90))
        }
        return Flight(id: id, startType: type, createdAt: launch.addingTimeInterval(-rng.uniform(300, 1200)), legs: legs)
    }

    /// How one leg gets logged: its start reported straight away or after a "no start time
    /// yet"; its landing likewise; sometimes a time corrected later; then the office's states.
    static func steps(launch: Date, landing: Date, rng: inout SimRandom) -> [Step] {
        var steps: [Step] = []
        if rng.chance(0.2) {
            steps.append(Step(at: launch.addingTimeInterval(30), change: .noStartTime))
            steps.append(Step(at: launch.addingTimeInterval(rng.uniform(300, 600)), change: .start(launch)))
        } else {
            steps.append(Step(at: launch.addingTimeInterval(rng.uniform(10, 120)), change: .start(launch)))
        }
        let landings = rng.chance(0.1) ? 2 : 1
        var reported: Date
        if rng.chance(0.15) {
            steps.append(Step(at: landing.addingTimeInterval(30), change: .noLandingTime))
            reported = landing.addingTimeInterval(rng.uniform(300, 600))
        } else {
            reported = landing.addingTimeInterval(rng.uniform(10, 120))
        }
        // The start report must come first even for a very short flight.
        reported = max(reported, (steps.last?.at ?? launch).addingTimeInterval(60))
        steps.append(Step(at: reported, change: .landing(landing, landings: landings)))
        var office = reported.addingTimeInterval(rng.uniform(300, 900))
        if rng.chance(0.12) {
            let corrected = launch.addingTimeInterval(rng.pick([-240.0, -120, -60, 60, 120, 180]))
            steps.append(Step(at: office, change: .start(corrected)))
            office = office.addingTimeInterval(rng.uniform(120, 600))
        }
        if rng.chance(0.08) {
            steps.append(Step(at: office, change: .process(FLSProcessState.invalid.rawValue)))
            office = office.addingTimeInterval(rng.uniform(300, 900))
        }
        steps.append(Step(at: office, change: .process(FLSProcessState.valid.rawValue)))
        office = office.addingTimeInterval(rng.uniform(600, 1800))
        // An older server's code that this build does not know, now and then.
        let locked = rng.chance(0.05) ? 35 : FLSProcessState.locked.rawValue
        steps.append(Step(at: office, change: .process(locked)))
        if rng.chance(0.5) {
            steps.append(Step(at: office.addingTimeInterval(rng.uniform(600, 1800)), change: .process(FLSProcessState.deliveryBooked.rawValue)))
        }
        return steps
    }

    // MARK: - Records

    /// The record of `flight` as of `now`, nil before it exists.
    public func details(_ flight: Flight, asOf now: Date) -> FLSFlightDetails? {
        guard flight.createdAt <= now else { return nil }
        var d = FLSFlightDetails(flightId: flight.id, startType: flight.startType, flightDate: FLSDateTime(flight.createdAt))
        for leg in flight.legs {
            let record = Self.record(leg, asOf: now)
            switch leg.kind {
            case .glider: d.glider = record
            case .tow: d.tow = record
            case .motor: d.motor = record
            }
        }
        return d
    }

    static func record(_ leg: Leg, asOf now: Date) -> FLSLeg {
        var r = FLSLeg(flightId: leg.id)
        r.aircraftId = leg.aircraftId
        r.pilotPersonId = leg.pilotId
        r.processStateId = .notProcessed
        var noStart = false, noLanding = false
        for step in leg.steps where step.at <= now {
            switch step.change {
            case .noStartTime: noStart = true
            case .start(let t): r.startDateTime = FLSDateTime(t); noStart = false
            case .noLandingTime: noLanding = true
            case .landing(let t, let n):
                r.ldgDateTime = FLSDateTime(t)
                r.nrOfLdgs = n
                noLanding = false
            case .process(let p): r.processStateId = FLSProcessState(rawValue: p)
            }
        }
        r.noStartTimeInformation = noStart
        r.noLdgTimeInformation = noLanding
        if let s = r.startDateTime?.date, let l = r.ldgDateTime?.date { r.flightDuration = FLSTimeSpan(seconds: Int(l.timeIntervalSince(s))) }
        // FACTS.md's derivation order.
        r.airStateId = r.ldgDateTime != nil ? .landed
            : noLanding && r.startDateTime != nil ? .mightBeLandedOrInAir
            : r.startDateTime != nil ? .started
            : noStart ? .mightBeStarted
            : .new
        return r
    }

    /// When `flight` last changed at or before `now` (creation or a step).
    public func lastModified(_ flight: Flight, asOf now: Date) -> Date? {
        guard flight.createdAt <= now else { return nil }
        return flight.legs.flatMap(\.steps).map(\.at).filter { $0 <= now }.max() ?? flight.createdAt
    }

    /// `exchange/modified/{since}`: flights created or changed in `(since, now]`.
    public func modified(since: Date, asOf now: Date) -> [FLSFlightDetails] {
        flights.compactMap { f in
            guard let m = lastModified(f, asOf: now), m > since else { return nil }
            return details(f, asOf: now)
        }
    }

    public func flight(id: String, asOf now: Date) -> FLSFlightDetails? {
        flights.first { $0.id == id.lowercased() }.flatMap { details($0, asOf: now) }
    }

    // MARK: - Truth

    /// What a watcher of the log should have reported by `now`, in time order.
    public func truth(since: Date = .distantPast, asOf now: Date) -> [FLSTruthEvent] {
        var out: [FLSTruthEvent] = []
        for f in flights {
            for leg in f.legs {
                var started = false, landed = false
                for step in leg.steps where step.at <= now {
                    let type: String
                    switch step.change {
                    case .noStartTime: type = started ? "" : "fls.might_have_started"
                    case .start: type = started ? "fls.corrected" : "fls.takeoff"; started = true
                    case .noLandingTime: type = landed ? "" : "fls.might_have_landed"
                    case .landing: type = landed ? "fls.corrected" : "fls.landing"; landed = true
                    case .process: type = "fls.state_changed"
                    }
                    guard !type.isEmpty, step.at > since else { continue }
                    out.append(FLSTruthEvent(type: type, flightId: f.id, leg: leg.kind.rawValue, at: step.at))
                }
            }
        }
        return out.sorted { ($0.at, $0.flightId, $0.leg, $0.type) < ($1.at, $1.flightId, $1.leg, $1.type) }
    }
}

/// One ground-truth FLS event: what happened to which leg, and when it was logged.
public struct FLSTruthEvent: Sendable, Hashable, Codable {
    public var type: String
    public var flightId: String
    public var leg: String
    public var at: Date
}
