#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SquawkCore
import SquawkSimulator

/// How much the simulator produces and costs: one server of `flights` flights run for `hours`
/// simulated hours, sampled every 15 s like a poller. Per sample it measures the CPU time of
/// advancing the world 15 s, taking the snapshot and JSON-encoding the flights list (what
/// `GET …/flights` costs the simulator), and at the end counts truth events per type.
///
/// `squawk bench simulator` prints ``Result/description``.
public enum SimulatorBenchmark {
    /// Counts and costs of one run.
    public struct Result: Sendable, CustomStringConvertible {
        public var flights: Int
        public var hours: Double
        /// Truth events per type (initial population events at t = 0 excluded).
        public var counts: [EventType: Int]
        public var samples: Int
        /// CPU seconds to build the world (initial population).
        public var setupCPU: Double
        /// CPU seconds per sample: advance 15 s + snapshot + encode the flights list.
        public var medianCPU: Double
        public var p99CPU: Double
        public var meanCPU: Double
        /// Median CPU seconds of each part: advancing 15 s, the snapshot, the JSON encoding.
        public var medianAdvanceCPU: Double
        public var medianSnapshotCPU: Double
        public var medianEncodeCPU: Double
        /// Size of the last flights-list JSON, bytes.
        public var jsonBytes: Int

        public var description: String {
            var lines = ["simulator: 1 server, \(flights) flights, \(hours) simulated hour(s), a sample every 15 s (\(samples) samples)"]
            lines.append(String(format: "world setup %.1f ms CPU; per sample (advance 15 s + snapshot + encode %d KiB flights JSON): median %.2f ms, mean %.2f ms, p99 %.2f ms CPU",
                                setupCPU * 1_000, jsonBytes / 1_024, medianCPU * 1_000, meanCPU * 1_000, p99CPU * 1_000))
            lines.append(String(format: "  medians by part: advance %.2f ms, snapshot %.2f ms, JSON encode %.2f ms",
                                medianAdvanceCPU * 1_000, medianSnapshotCPU * 1_000, medianEncodeCPU * 1_000))
            lines.append("truth events:")
            for type in EventType.allCases where counts[type] != nil {
                lines.append("  " + type.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0) + String(counts[type]!))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Runs the simulator alone (no HTTP) for `hours` simulated hours.
    public static func run(flights: Int = 2_000, hours: Double = 1, seed: UInt64 = 1, interval: TimeInterval = 15) throws -> Result {
        let server = ServerRef(id: "6c1f0e2a-5a4b-4f7e-9d3c-1b2a3c4d5e6f", name: "Expert Server")
        let start = WorldConfiguration.defaultStart
        let t0 = ProcessMeter.threadCPUSeconds()
        let world = World(WorldConfiguration(seed: seed, flightsPerServer: flights, servers: [server], start: start))
        let setup = ProcessMeter.threadCPUSeconds() - t0
        var costs: [Double] = []
        var parts: [[Double]] = [[], [], []]
        var bytes = 0
        var t = 0.0
        while t < hours * 3_600 {
            t += interval
            let c0 = ProcessMeter.threadCPUSeconds()
            world.advance(to: start.addingTimeInterval(t))
            let c1 = ProcessMeter.threadCPUSeconds()
            let snapshot = world.snapshot(server: server)
            let c2 = ProcessMeter.threadCPUSeconds()
            let json = try world.flightsJSON(server: server) ?? Data()
            let c3 = ProcessMeter.threadCPUSeconds()
            costs.append(c3 - c0)
            parts[0].append(c1 - c0)
            parts[1].append(c2 - c1)
            parts[2].append(c3 - c2)
            bytes = json.count
            precondition(snapshot.flights.count > 0 || flights == 0)
        }
        var counts: [EventType: Int] = [:]
        for e in world.truth(since: start.addingTimeInterval(0.5)) { counts[e.type, default: 0] += 1 }
        let cost = Summary(costs)
        let median = { (xs: [Double]) in Summary.median(xs) }
        return Result(
            flights: flights, hours: hours, counts: counts, samples: costs.count, setupCPU: setup,
            medianCPU: cost?.p50 ?? 0, p99CPU: cost?.p99 ?? 0, meanCPU: cost?.mean ?? 0,
            medianAdvanceCPU: median(parts[0]), medianSnapshotCPU: median(parts[1]), medianEncodeCPU: median(parts[2]),
            jsonBytes: bytes
        )
    }
}
