import Foundation
import SquawkCore
import SquawkSimulator

/// The detection-quality harness: runs the simulator's ``World`` in process, samples every
/// server every `interval` seconds as the poller would, feeds the snapshots to
/// ``SnapshotDiffer`` and matches the detected events to the world's truth.
///
/// Matching: one-to-one, per (type, server, subject) where the subject is the flight id, the
/// frequency id or (ATIS) the airport; a detected event matches the earliest unmatched truth
/// event of its key within `tolerance` seconds. Both sides are counted inside the window
/// (start, start + duration]; the first snapshot (at start) seeds the differ, so the world's
/// initial population is neither counted nor matched. The run continues six intervals past
/// the window so late detections of events near its end are not lost. Types the simulator
/// has no truth for (`flight.approaching`) show their detected count only.
///
/// `squawk bench detection` prints ``Report/description``: per event type truth, detected,
/// true positives, precision and recall; airport accuracy of takeoffs and landings; touchdown
/// rate error; touch-and-go flag agreement.
public enum DetectionBenchmark {
    /// What to simulate and how to match.
    public struct Options: Sendable {
        public var seed: UInt64 = 2024
        /// Steady-state flights per server (three servers by default).
        public var flightsPerServer = 500
        /// Simulated seconds evaluated.
        public var duration: TimeInterval = 3_600
        /// Seconds between snapshots (the Live API's minimum for flights and ATC).
        public var interval: TimeInterval = 15
        /// Largest |detected − true| time of a match, seconds (two sample intervals).
        public var tolerance: TimeInterval = 30
        /// How many unmatched examples per type to keep in the report (for diagnosis).
        public var examples = 0
        public var differ: DiffConfiguration = .default

        public init(seed: UInt64 = 2024, flightsPerServer: Int = 500, duration: TimeInterval = 3_600,
                    interval: TimeInterval = 15, tolerance: TimeInterval = 30, examples: Int = 0) {
            self.seed = seed
            self.flightsPerServer = flightsPerServer
            self.duration = duration
            self.interval = interval
            self.tolerance = tolerance
            self.examples = examples
        }
    }

    /// One line of the quality table.
    public struct Row: Sendable {
        public var type: EventType
        /// Whether the simulator reports this type at all (it has no `flight.approaching`).
        public var hasTruth: Bool
        public var truth: Int
        public var detected: Int
        /// Truth events in the window that were detected.
        public var truePositives: Int
        /// Detected events in the window that match a truth event.
        public var matchedDetections: Int
        public var precision: Double? {
            detected == 0 || !hasTruth ? nil : Double(matchedDetections) / Double(detected)
        }
        public var recall: Double? { truth == 0 ? nil : Double(truePositives) / Double(truth) }
    }

    /// The result of a run.
    public struct Report: Sendable, CustomStringConvertible {
        public var options: Options
        public var rows: [Row]
        /// Distinct flights seen in the snapshots.
        public var flightsSeen: Int
        public var servers: Int
        public var snapshots: Int
        /// Matched takeoffs / landings whose airport equals the truth's.
        public var takeoffAirports: (correct: Int, total: Int)
        public var landingAirports: (correct: Int, total: Int)
        /// Median |detected − true| touchdown rate of matched landings, ft/min, and the median
        /// signed error (detected − true).
        public var touchdownRateMedianAbsError: Double?
        public var touchdownRateMedianError: Double?
        /// 90th percentile of |detected − true| touchdown rate, ft/min.
        public var touchdownRateP90AbsError: Double?
        /// Matched full landings and touch-and-goes with a detected rate, of those with a true one.
        public var landingsWithRate: (rated: Int, total: Int) = (0, 0)
        /// Detected rates by `touchdownRateSource`.
        public var rateSources: [String: Int] = [:]
        /// `flight.completed` against the flights that ended in the window.
        public var completions: CompletionTruth?
        /// Matched landings whose touch-and-go flag equals the truth's.
        public var touchAndGoFlags: (correct: Int, total: Int)
        /// Median |detected − true| time of matches, seconds, per type.
        public var medianDelay: [EventType: Double]
        public var simulateSeconds: Double
        public var diffSeconds: Double
        /// Unmatched examples, when asked for.
        public var unmatched: [String]

        /// The touchdown-rate goal: a rate on ≥ 90 % of landings, median |error| ≤ 50 ft/min,
        /// p90 ≤ 150 ft/min.
        public var meetsTouchdownGoal: Bool {
            guard landingsWithRate.total > 0, let median = touchdownRateMedianAbsError, let p90 = touchdownRateP90AbsError
            else { return false }
            return Double(landingsWithRate.rated) >= 0.9 * Double(landingsWithRate.total) && median <= 50 && p90 <= 150
        }

        /// The gated types: the issue's goal is ≥ 99 % precision and recall for each.
        public static let goalTypes: [EventType] = [.takeoff, .landing, .atcOpened, .atcClosed, .flightOnline, .flightOffline]

        /// Whether every gated type reaches 99 % precision and recall and airports are ≥ 99 % right.
        public var meetsGoal: Bool {
            let rowsOK = rows.filter { Self.goalTypes.contains($0.type) }
                .allSatisfy { ($0.precision ?? 1) >= 0.99 && ($0.recall ?? 1) >= 0.99 }
            func ok(_ p: (correct: Int, total: Int)) -> Bool { p.total == 0 || Double(p.correct) >= 0.99 * Double(p.total) }
            return rowsOK && ok(takeoffAirports) && ok(landingAirports)
        }

        /// One line on `flight.completed`: flights summarised and how close the fields are.
        var completionLine: String {
            guard let c = completions else { return "" }
            func med(_ xs: [Double]) -> String { DetectionBenchmark.median(xs).map { String(format: "%.0f", $0) } ?? "—" }
            let completed = c.cases.filter { !$0.disconnected }
            let rates = completed.compactMap(\.rateError).map(abs)
            let distances = c.cases.filter { ($0.trueFlownNM ?? 0) >= 30 }.compactMap(\.distanceError).map { abs($0) * 100 }
            return "flight.completed: \(c.summarised) / \(c.cases.count) ended flights summarised (\(completed.count) landed, "
                + "\(c.cases.count - completed.count) disconnected), \(c.spurious) spurious; median |error| off \(med(c.cases.compactMap(\.offError))) s, "
                + "on \(med(completed.compactMap(\.onError))) s, in \(med(completed.compactMap(\.inError))) s, "
                + "touchdown \(med(rates)) fpm, flown distance \(String(format: "%.1f", DetectionBenchmark.median(distances) ?? .nan)) % "
                + "(max \(String(format: "%.1f", distances.max() ?? .nan)) % over flights ≥ 30 nm)"
        }

        public var description: String {
            func pct(_ x: Double?) -> String { x.map { String(format: "%6.2f %%", $0 * 100) } ?? "     —  " }
            func ratio(_ p: (correct: Int, total: Int)) -> String {
                p.total == 0 ? "—" : String(format: "%d / %d (%.2f %%)", p.correct, p.total, Double(p.correct) / Double(p.total) * 100)
            }
            var out = """
            Detection quality: \(options.flightsPerServer) flights/server × \(servers) servers, \
            \(Int(options.duration)) s simulated, snapshots every \(Int(options.interval)) s, \
            match tolerance \(Int(options.tolerance)) s, seed \(options.seed)
            \(flightsSeen) distinct flights seen in \(snapshots) snapshots \
            (simulation \(String(format: "%.1f", simulateSeconds)) s, diffing \(String(format: "%.2f", diffSeconds)) s)

            | type                | truth | detected | true pos. | precision | recall   | median delay |
            |---------------------|------:|---------:|----------:|----------:|---------:|-------------:|

            """
            for r in rows {
                let delay = medianDelay[r.type].map { String(format: "%6.1f s", $0) } ?? "—"
                out += "| " + r.type.rawValue.padding(toLength: 19, withPad: " ", startingAt: 0)
                    + " | " + String(format: "%5d", r.truth) + " | " + String(format: "%8d", r.detected)
                    + " | " + String(format: "%9d", r.truePositives) + " | " + pct(r.precision) + "  | " + pct(r.recall)
                    + " | " + delay.padding(toLength: 12, withPad: " ", startingAt: 0) + " |\n"
            }
            out += """

            takeoff airport correct:  \(ratio(takeoffAirports))
            landing airport correct:  \(ratio(landingAirports))
            touchdown rate error:     median |error| \(touchdownRateMedianAbsError.map { String(format: "%.0f", $0) } ?? "—") ft/min, \
            median signed error \(touchdownRateMedianError.map { String(format: "%+.0f", $0) } ?? "—") ft/min
            touchdown rate p90 error: \(touchdownRateP90AbsError.map { String(format: "%.0f", $0) } ?? "—") ft/min; \
            landings with a rate: \(ratio((landingsWithRate.rated, landingsWithRate.total))); by source: \
            \(rateSources.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            touch-and-go flag agrees: \(ratio(touchAndGoFlags))
            \(completionLine)
            goal (≥ 99 % precision and recall for \(Self.goalTypes.map(\.rawValue).joined(separator: ", ")); airports ≥ 99 %): \
            \(meetsGoal ? "met" : "NOT met")

            """
            if !unmatched.isEmpty { out += "\nUnmatched examples:\n" + unmatched.joined(separator: "\n") + "\n" }
            return out
        }
    }

    // MARK: - Running

    /// Runs the simulation and the differ, then matches; `progress` gets a line now and then.
    public static func run(_ options: Options = Options(), progress: (String) -> Void = { _ in }) -> Report {
        let world = World(WorldConfiguration(seed: options.seed, flightsPerServer: options.flightsPerServer,
                                             airports: options.differ.airports))
        let start = world.now
        let servers = world.serverRefs
        var states = [DiffState](repeating: DiffState(), count: servers.count)
        var detected: [FlightEvent] = []
        var flights: Set<String> = []
        var snapshots = 0
        var simulate = Duration.zero, diff = Duration.zero
        let clock = ContinuousClock()
        // Past the window: a landing is decided up to a few samples after its touchdown.
        let end = start.addingTimeInterval(options.duration + 6 * options.interval)
        var t = start
        while t <= end {
            simulate += clock.measure { world.advance(to: t) }
            for (i, server) in servers.enumerated() {
                var snapshot = Snapshot(server: server, takenAt: t, flights: [])
                simulate += clock.measure { snapshot = world.snapshot(server: server) }
                for f in snapshot.flights { flights.insert(f.flightId) }
                diff += clock.measure { detected += SnapshotDiffer.apply(snapshot, to: &states[i], config: options.differ) }
                snapshots += 1
            }
            if Int(t.timeIntervalSince(start)) % 600 == 0 {
                progress("t=\(Int(t.timeIntervalSince(start))) s, \(detected.count) events")
            }
            t = t.addingTimeInterval(options.interval)
        }
        let truth = world.truth(since: start)
        var report = match(truth: truth, detected: detected, start: start, options: options)
        report.completions = CompletionTruth(truth: truth, detected: detected, since: start,
                                             until: start.addingTimeInterval(options.duration))
        report.flightsSeen = flights.count
        report.servers = servers.count
        report.snapshots = snapshots
        report.simulateSeconds = simulate.timeInterval
        report.diffSeconds = diff.timeInterval
        return report
    }

    // MARK: - Matching

    /// Matches detected events to truth one-to-one (see the type's doc) and tallies the report.
    static func match(truth: [TruthEvent], detected: [FlightEvent], start: Date, options: Options) -> Report {
        struct Key: Hashable { var type: EventType; var server: String; var subject: String }
        let windowEnd = start.addingTimeInterval(options.duration)
        func inWindow(_ d: Date) -> Bool { d > start && d <= windowEnd }

        var truthByKey: [Key: [Int]] = [:]
        for (i, e) in truth.enumerated() where e.at > start {
            let subject = e.flightId ?? e.frequencyId ?? e.airport ?? ""
            truthByKey[Key(type: e.type, server: e.server, subject: subject), default: []].append(i)
        }
        var detectedByKey: [Key: [Int]] = [:]
        for (i, e) in detected.enumerated() {
            let subject = e.type == .atisChanged ? (e.airport ?? "") : (e.flightId ?? e.frequencyId ?? e.airport ?? "")
            detectedByKey[Key(type: e.type, server: e.server?.id ?? "", subject: subject), default: []].append(i)
        }

        var pairOfTruth: [Int: Int] = [:], pairOfDetected: [Int: Int] = [:]
        for (key, truthIndexes) in truthByKey {
            guard let candidates = detectedByKey[key] else { continue }
            let ts = truthIndexes.sorted { truth[$0].at < truth[$1].at }
            let ds = candidates.sorted { detected[$0].at < detected[$1].at }
            var used = Set<Int>()
            for ti in ts {
                let at = truth[ti].at
                if let dj = ds.first(where: { !used.contains($0) && abs(detected[$0].at.timeIntervalSince(at)) <= options.tolerance }) {
                    used.insert(dj)
                    pairOfTruth[ti] = dj
                    pairOfDetected[dj] = ti
                }
            }
        }

        var rows: [Row] = []
        var delays: [EventType: [Double]] = [:]
        var unmatched: [String] = []
        let types = EventType.allCases.filter { $0 != .subscriptionTest }
        for type in types {
            let ti = truth.indices.filter { truth[$0].type == type && inWindow(truth[$0].at) }
            let di = detected.indices.filter { detected[$0].type == type && inWindow(detected[$0].at) }
            let row = Row(type: type, hasTruth: truth.contains { $0.type == type }, truth: ti.count, detected: di.count,
                          truePositives: ti.filter { pairOfTruth[$0] != nil }.count,
                          matchedDetections: di.filter { pairOfDetected[$0] != nil }.count)
            rows.append(row)
            for i in ti { if let j = pairOfTruth[i] { delays[type, default: []].append(detected[j].at.timeIntervalSince(truth[i].at)) } }
            if options.examples > 0 {
                for i in ti.filter({ pairOfTruth[$0] == nil }).prefix(options.examples) {
                    let e = truth[i]
                    unmatched.append("  missed   \(type.rawValue) t=\(Int(e.at.timeIntervalSince(start))) \(e.flightId ?? e.frequencyId ?? "") \(e.airport ?? "-") \(e.details)")
                }
                for j in di.filter({ row.hasTruth && pairOfDetected[$0] == nil }).prefix(options.examples) {
                    let e = detected[j]
                    unmatched.append("  spurious \(type.rawValue) t=\(Int(e.at.timeIntervalSince(start))) \(e.flightId ?? e.frequencyId ?? "") \(e.airport ?? "-") \(e.data)")
                }
            }
        }

        var takeoffAirports = (correct: 0, total: 0), landingAirports = (correct: 0, total: 0)
        var touchAndGo = (correct: 0, total: 0)
        var rateErrors: [Double] = []
        var rated = (rated: 0, total: 0)
        var sources: [String: Int] = [:]
        for (ti, dj) in pairOfTruth where inWindow(truth[ti].at) {
            let t = truth[ti], d = detected[dj]
            switch t.type {
            case .takeoff:
                takeoffAirports.total += 1
                if d.airport == t.airport { takeoffAirports.correct += 1 }
            case .landing:
                landingAirports.total += 1
                if d.airport == t.airport { landingAirports.correct += 1 }
                if let truthRate = t.touchdownRate {
                    rated.total += 1
                    if let rate = d.data["touchdownRate"]?.doubleValue {
                        rated.rated += 1
                        rateErrors.append(rate - truthRate)
                        sources[d.data["touchdownRateSource"]?.stringValue ?? "legacy", default: 0] += 1
                    }
                }
                if let flag = t.touchAndGo {
                    touchAndGo.total += 1
                    if d.data["touchAndGo"]?.boolValue == flag {
                        touchAndGo.correct += 1
                    } else if unmatched.count < options.examples * 20 {
                        unmatched.append("  touch-and-go flag \(flag) detected \(!flag) t=\(Int(t.at.timeIntervalSince(start))) \(t.flightId ?? "") \(t.airport ?? "-") \(d.data)")
                    }
                }
            default: break
            }
        }
        var report = Report(
            options: options, rows: rows, flightsSeen: 0, servers: 0, snapshots: 0,
            takeoffAirports: takeoffAirports, landingAirports: landingAirports,
            touchdownRateMedianAbsError: median(rateErrors.map(abs)), touchdownRateMedianError: median(rateErrors),
            touchAndGoFlags: touchAndGo, medianDelay: delays.compactMapValues { median($0.map(abs)) },
            simulateSeconds: 0, diffSeconds: 0, unmatched: unmatched)
        report.touchdownRateP90AbsError = Summary(rateErrors.map(abs))?.p90
        report.landingsWithRate = rated
        report.rateSources = sources
        return report
    }

    // MARK: - Helpers

    static func median(_ xs: [Double]) -> Double? { Summary(xs)?.p50 }

}
