import Foundation
import SquawkCore

// MARK: - CompletionTruth

/// Holds detected `flight.completed` events against the world's truth: which flights should
/// have one (a full-stop landing, then offline on the ground; or offline in the air after a
/// takeoff), whether they got exactly one, and how far its fields are from the truth. Shared by
/// `squawk bench detection` and the tests.
public struct CompletionTruth: Sendable {
    /// One flight that ended in the window, and its detected summary if any.
    public struct Case: Sendable {
        public var flightId: String
        public var disconnected: Bool
        /// The detected summaries for this flight (one expected).
        public var detected: [FlightEvent]
        /// |detected − true| seconds of `offAt`, `onAt`, `inAt` (nil when either side lacks it).
        public var offError: Double?
        public var onError: Double?
        public var inError: Double?
        /// detected − true touchdown rate, ft/min.
        public var rateError: Double?
        /// (detected − true) ÷ true flown distance, and the true distance (nm).
        public var distanceError: Double?
        public var trueFlownNM: Double?
        /// The detected arrival airport equals the truth's landing airport.
        public var arrivalCorrect: Bool?
    }

    public var cases: [Case]
    /// `flight.completed` events detected for flights that did not end in the window (or twice).
    public var spurious: Int

    /// Compares the flights that went offline in (`since`, `until`]; the times and distance
    /// only where the truth has them after `since` (the summary covers what was seen).
    public init(truth: [TruthEvent], detected: [FlightEvent], since: Date, until: Date) {
        var takeoffs: [String: TruthEvent] = [:], lastLanding: [String: TruthEvent] = [:]
        var ends: [(TruthEvent, Bool)] = []
        for e in truth where e.at > since {
            guard let id = e.flightId else { continue }
            switch e.type {
            case .takeoff where e.touchAndGo != true && takeoffs[id] == nil: takeoffs[id] = e
            case .landing where e.touchAndGo != true: lastLanding[id] = e
            case .flightOffline where e.at <= until:
                ends.append((e, e.airborne == true))
            default: break
            }
        }
        var byFlight: [String: [FlightEvent]] = [:]
        for e in detected where e.type == .flightCompleted { byFlight[e.flightId ?? "", default: []].append(e) }
        func date(_ v: JSONValue?) -> Date? { v?.stringValue.flatMap { try? Date($0, strategy: .iso8601) } }
        func error(_ a: Date?, _ b: Date?) -> Double? { a.flatMap { a in b.map { abs(a.timeIntervalSince($0)) } } }

        var cases: [Case] = []
        var expected: Set<String> = []
        for (end, disconnected) in ends {
            let id = end.flightId ?? ""
            // Seen flying (it took off, or was in the air when the run began) and then gone, or
            // landed full stop and then gone.
            guard disconnected || lastLanding[id].map({ $0.at < end.at }) == true else { continue }
            expected.insert(id)
            let found = byFlight[id] ?? []
            var c = Case(flightId: id, disconnected: disconnected, detected: found)
            if let d = found.first?.data {
                c.offError = error(date(d["offAt"]), takeoffs[id]?.at)
                let trueFlown = end.details["flownNM"]?.doubleValue
                c.trueFlownNM = trueFlown
                if let t = trueFlown, t > 0, let flown = d["flownDistanceNM"]?.doubleValue { c.distanceError = (flown - t) / t }
                if !disconnected, let landing = lastLanding[id] {
                    c.onError = error(date(d["onAt"]), landing.at)
                    c.inError = error(date(d["inAt"]), date(end.details["inAt"]))
                    if let r = d["touchdownRate"]?.doubleValue, let t = landing.touchdownRate { c.rateError = r - t }
                    c.arrivalCorrect = d["arrivalAirport"]?.stringValue == landing.airport
                }
            }
            cases.append(c)
        }
        self.cases = cases.sorted { $0.flightId < $1.flightId }
        spurious = byFlight.filter { !expected.contains($0.key) }.values.reduce(0) { $0 + $1.count }
            + cases.reduce(0) { $0 + max(0, $1.detected.count - 1) }
    }

    /// Flights that ended and got exactly one summary with the right outcome.
    public var summarised: Int {
        cases.filter { c in
            c.detected.count == 1
                && c.detected[0].data["outcome"]?.stringValue == (c.disconnected ? "disconnected" : "completed")
        }.count
    }
}
