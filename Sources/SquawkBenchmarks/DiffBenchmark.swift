import Foundation
import SquawkCore
import SquawkLiveAPI
import SquawkSimulator

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Speed and memory of the diff engine on a busy server, and of decoding the flights list it
/// diffs: `squawk bench diff` prints ``Report/description``.
///
/// - **Diff:** a ``World`` with `flights` flights on one server is sampled every 15 s; each
///   snapshot is applied to the state built from the previous ones (the poller's steady state)
///   and each `apply` is timed (wall clock, and the thread's CPU time: the steadier figure on a
///   machine shared with other work). Two workloads: flight plans for 1 % of the flights (the
///   poller fetches plans only for watched flights, ../shared/FACTS.md) and a plan for every
///   flight that has one (what the simulator serves; a worst case).
/// - **Memory per tracked flight:** `MemoryLayout` of a track, and resident-set deltas: of
///   building the state from a snapshot (its strings shared with the snapshot) and of decoding a
///   persisted copy (the state owning its strings). Also the size of the state as JSON.
/// - **Decoding:** the same flights as a Live API `flights` response (JSON written with the
///   Live API client's models), decoded with the client's `JSONDecoder` setup and mapped to
///   samples; `JSONSerialization` parses the same bytes as a floor for Foundation's parser.
public enum DiffBenchmark {
    /// What to measure.
    public struct Options: Sendable {
        public var flights = 10_000
        /// Snapshots diffed (after the seeding one), 15 s apart.
        public var snapshots = 40
        /// Share of flights whose plan a snapshot carries in the realistic workload.
        public var watchedShare = 0.01
        public var decodeRuns = 7
        public var seed: UInt64 = 7
        public var differ: DiffConfiguration = .default

        public init(flights: Int = 10_000, snapshots: Int = 40, decodeRuns: Int = 7, seed: UInt64 = 7) {
            self.flights = flights
            self.snapshots = snapshots
            self.decodeRuns = decodeRuns
            self.seed = seed
        }
    }

    /// Timings of one workload.
    public struct DiffTimes: Sendable {
        public var label: String
        public var plansPerSnapshot: Int
        /// Per-snapshot `apply` times, seconds: wall clock and thread CPU time.
        public var wall: [Double]
        public var cpu: [Double]
        public var eventsPerSnapshot: Double
    }

    /// The figures.
    public struct Report: Sendable, CustomStringConvertible {
        public var flights: Int
        public var workloads: [DiffTimes]
        public var trackLayoutSize: Int
        public var trackLayoutStride: Int
        public var bytesPerFlightShared: Double
        public var bytesPerFlightOwned: Double
        public var jsonStateBytesPerFlight: Double
        public var responseBytes: Int
        public var decodeTimes: [Double]
        public var mapTimes: [Double]
        public var serializationTimes: [Double]
        public var simulateSeconds: Double

        /// Median time of the realistic workload (the lower of wall and CPU medians).
        public var medianDiff: Double {
            guard let w = workloads.first else { return .nan }
            return min(Self.median(w.wall), Self.median(w.cpu))
        }

        public var medianDecode: Double { Self.median(decodeTimes) }

        static func median(_ xs: [Double]) -> Double { Summary.median(xs, empty: .nan) }
        static func percentile(_ xs: [Double], _ p: Double) -> Double { xs.isEmpty ? .nan : Summary.percentile(sorted: xs.sorted(), p) }

        public var description: String {
            func ms(_ x: Double) -> String { String(format: "%.2f ms", x * 1_000) }
            var out = "Diff engine, \(flights) flights on one server, snapshots 15 s apart "
                + "(simulation \(String(format: "%.1f", simulateSeconds)) s)\n"
            for w in workloads {
                let m = min(Self.median(w.wall), Self.median(w.cpu))
                out += "  \(w.label) (\(w.plansPerSnapshot) plans/snapshot, \(w.wall.count) snapshots, "
                    + "\(String(format: "%.1f", w.eventsPerSnapshot)) events/snapshot):\n"
                    + "    wall median \(ms(Self.median(w.wall))), p90 \(ms(Self.percentile(w.wall, 0.9))), "
                    + "max \(ms(w.wall.max() ?? .nan)); CPU median \(ms(Self.median(w.cpu))), "
                    + "min \(ms(w.cpu.min() ?? .nan)) — goal ≤ 5 ms \(m <= 0.005 ? "met" : "NOT met")\n"
            }
            let decode = medianDecode, mapping = Self.median(mapTimes), parse = Self.median(serializationTimes)
            let diff = medianDiff
            out += """
              per tracked flight: FlightTrack \(trackLayoutSize) B inline (stride \(trackLayoutStride) B); \
            resident \(String(format: "%.0f", bytesPerFlightShared)) B with strings shared with the snapshot, \
            \(String(format: "%.0f", bytesPerFlightOwned)) B owning them; \
            \(String(format: "%.0f", jsonStateBytesPerFlight)) B as JSON
            Decoding the \(flights)-flight Live API response (\(responseBytes / 1_024) KiB):
              JSONDecoder → [FlightEntry]:    median \(ms(decode))
              [FlightEntry] → [FlightSample]: median \(ms(mapping))
              JSONSerialization (untyped):    median \(ms(parse))
              decode + map + diff = \(ms(decode + mapping + diff)): decoding is \
            \(String(format: "%.0f", decode / diff))× the diff, \
            \(String(format: "%.0f", decode / (decode + mapping + diff) * 100)) % of the total — \
            \(decode > diff ? "Foundation's JSONDecoder dominates" : "the diff dominates")

            """
            return out
        }
    }

    // MARK: - Running

    /// Runs the measurements (a minute or so, mostly simulation).
    public static func run(_ options: Options = Options(), progress: (String) -> Void = { _ in }) throws -> Report {
        let clock = ContinuousClock()
        var simulate = Duration.zero

        // Snapshots of one busy server, 15 s apart.
        let server = ServerRef(id: "00000000-0000-4000-8000-00000000bench", name: "Bench Server")
        let world = World(WorldConfiguration(seed: options.seed, flightsPerServer: options.flights, servers: [server],
                                             airports: options.differ.airports))
        var snapshots: [Snapshot] = []
        for i in 0...options.snapshots {
            simulate += clock.measure {
                world.advance(to: world.configuration.start.addingTimeInterval(Double(i) * 15))
                snapshots.append(world.snapshot(server: server))
            }
        }
        progress("simulated \(snapshots.count) snapshots of \(snapshots[0].flights.count) flights")

        // The realistic workload: plans only for a fixed set of watched flights.
        let watched = Set(snapshots[0].flights.map(\.flightId).sorted()
            .prefix(Int(Double(snapshots[0].flights.count) * options.watchedShare)))
        let realistic = snapshots.map { s -> Snapshot in
            var s = s
            s.flightPlans = s.flightPlans.filter { watched.contains($0.key) }
            return s
        }

        // Seed, measuring the resident set around it.
        var state = DiffState()
        let before = (ProcessMeter.residentBytes() ?? 0)
        SnapshotDiffer.apply(realistic[0], to: &state, config: options.differ)
        let shared = Double((ProcessMeter.residentBytes() ?? 0) - before) / Double(max(1, state.flightCount))
        let first = measure(realistic, label: "plans for watched flights (1 %)", state: &state, options: options)
        progress("diffed \(first.wall.count) snapshots (realistic)")

        // A persisted state decoded again owns all its strings.
        let json = try JSONEncoder().encode(state)
        let beforeDecode = (ProcessMeter.residentBytes() ?? 0)
        let restored = try JSONDecoder().decode(DiffState.self, from: json)
        let owned = Double((ProcessMeter.residentBytes() ?? 0) - beforeDecode) / Double(max(1, restored.flightCount))

        var worst = DiffState()
        SnapshotDiffer.apply(snapshots[0], to: &worst, config: options.differ)
        let second = measure(snapshots, label: "a plan for every flight that has one", state: &worst, options: options)
        progress("diffed \(second.wall.count) snapshots (every plan)")

        // The flights list as the Live API sends it.
        let last = snapshots[snapshots.count - 1]
        let entries = last.flights.map {
            FlightEntry(flightId: $0.flightId, userId: $0.userId, aircraftId: $0.aircraftId, liveryId: $0.liveryId,
                        username: $0.username, virtualOrganization: $0.virtualOrganization, callsign: $0.callsign,
                        latitude: $0.latitude, longitude: $0.longitude, altitude: $0.altitude, speed: $0.speed,
                        verticalSpeed: $0.verticalSpeed, track: $0.track, heading: $0.heading,
                        lastReport: $0.lastReport, pilotState: $0.pilotState?.rawValue)
        }
        let body = try LiveAPIDate.makeEncoder().encode(LiveAPIEnvelope(errorCode: 0, result: entries))
        var decodeTimes: [Double] = [], mapTimes: [Double] = [], parseTimes: [Double] = []
        for _ in 0..<options.decodeRuns {
            var decoded: [FlightEntry] = []
            let decoder = LiveAPIDate.makeDecoder()
            decodeTimes.append((try clock.measure {
                decoded = try decoder.decode(LiveAPIEnvelope<[FlightEntry]>.self, from: body).result ?? []
            }).timeInterval)
            var samples: [FlightSample] = []
            mapTimes.append(clock.measure { samples = decoded.map(\.sample) }.timeInterval)
            precondition(samples.count == entries.count)
            parseTimes.append(try clock.measure { _ = try JSONSerialization.jsonObject(with: body) }.timeInterval)
        }
        progress("decoded \(options.decodeRuns) times")

        return Report(
            flights: snapshots[0].flights.count, workloads: [first, second],
            trackLayoutSize: DiffState.trackLayout.size, trackLayoutStride: DiffState.trackLayout.stride,
            bytesPerFlightShared: shared, bytesPerFlightOwned: owned,
            jsonStateBytesPerFlight: Double(json.count) / Double(max(1, state.flightCount)),
            responseBytes: body.count, decodeTimes: decodeTimes, mapTimes: mapTimes,
            serializationTimes: parseTimes, simulateSeconds: simulate.timeInterval)
    }

    /// Applies every snapshot after the first to `state` (seeded with the first), timing each.
    static func measure(_ snapshots: [Snapshot], label: String, state: inout DiffState, options: Options) -> DiffTimes {
        let clock = ContinuousClock()
        var wall: [Double] = [], cpu: [Double] = []
        var events = 0
        for s in snapshots.dropFirst() {
            var produced: [FlightEvent] = []
            let cpu0 = ProcessMeter.threadCPUSeconds()
            let d = clock.measure { produced = SnapshotDiffer.apply(s, to: &state, config: options.differ) }
            cpu.append(ProcessMeter.threadCPUSeconds() - cpu0)
            wall.append(d.timeInterval)
            events += produced.count
        }
        let plans = snapshots.dropFirst().map(\.flightPlans.count).max() ?? 0
        return DiffTimes(label: label, plansPerSnapshot: plans, wall: wall, cpu: cpu,
                         eventsPerSnapshot: Double(events) / Double(max(1, wall.count)))
    }

    // MARK: - Helpers

}
