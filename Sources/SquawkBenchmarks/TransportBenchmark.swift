import Foundation
import SquawkCore
import SquawkHTTP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Throughput and latency of ``CurlTransport`` posting small JSON bodies, the shape of webhook
/// delivery: `squawk bench transport` prints ``Result/description``.
///
/// `concurrency` workers (child tasks) share one transport and send `requests` POSTs of
/// `bodyBytes`-byte JSON bodies between them, so at most `concurrency` are in flight. A
/// warm-up round (eight requests per worker, not counted) opens the connections first. A request
/// counts as an error when it throws or gets a status outside 2xx.
///
/// Point it at a receiver that is not the bottleneck: nginx answering 204
/// (`scripts/nginx-bench.conf`), whose `wrk` figure is the ceiling to compare with.
/// Not a test: figures depend on the machine; run it on an idle one, in release.
public enum TransportBenchmark {
    /// What one run measured.
    public struct Result: Sendable, CustomStringConvertible {
        public var requests: Int
        public var concurrency: Int
        public var bodyBytes: Int
        public var errors: Int
        /// First error seen, for the report (never carries the URL's path or query).
        public var firstError: String?
        public var seconds: Double
        public var p50: Duration
        public var p99: Duration
        public var max: Duration
        /// Process CPU time (user + system) per request: the client's cost.
        public var cpuMicrosecondsPerRequest: Double
        /// New connections during the timed part (0 when every connection came from the warm-up).
        public var connectionsOpened: Int

        public var requestsPerSecond: Double { seconds > 0 ? Double(requests) / seconds : 0 }

        public var description: String {
            var text = String(
                format: "transport: %d POSTs of %d B at %d in flight in %.2f s = %.0f req/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; %.1f µs CPU/request; %d new connections; %d errors",
                requests, bodyBytes, concurrency, seconds, requestsPerSecond,
                p50.timeInterval * 1000, p99.timeInterval * 1000, max.timeInterval * 1000,
                cpuMicrosecondsPerRequest, connectionsOpened, errors)
            if let firstError { text += " (first: \(firstError))" }
            return text
        }
    }

    /// What one worker saw.
    private struct WorkerReport: Sendable {
        var latencies: [Duration] = []
        var errors = 0
        var firstError: String?
    }

    /// Posts `requests` JSON bodies of `bodyBytes` bytes to `url`, `concurrency` at a time.
    public static func run(
        url: String, requests: Int = 20_000, concurrency: Int = 64, bodyBytes: Int = 1024, batched: Bool = false
    ) async throws -> Result {
        let concurrency = Swift.max(1, concurrency)
        let requests = Swift.max(0, requests)
        let transport = CurlTransport(configuration: .init(
            maxConcurrentTransfers: concurrency, maxTotalConnections: concurrency, maxHostConnections: concurrency))
        defer { transport.shutdown() }
        let request = HTTPRequest(
            method: .post, url: url,
            headers: [("Content-Type", "application/json")],
            body: jsonBody(bytes: bodyBytes))

        _ = await runWorkers(transport, request, requests: concurrency * 8, concurrency: concurrency)  // warm-up
        let connectionsBefore = transport.statistics.connectionsOpened
        let cpuBefore = ProcessMeter.processCPUSeconds()
        let clock = ContinuousClock()
        let start = clock.now
        let reports = batched
            ? [await runBatch(transport, request, requests: requests, concurrency: concurrency)]
            : await runWorkers(transport, request, requests: requests, concurrency: concurrency)
        let seconds = (clock.now - start).timeInterval
        let cpu = ProcessMeter.processCPUSeconds() - cpuBefore

        let latencies = Summary(reports.flatMap(\.latencies))
        func percentile(_ value: Double?) -> Duration { .nanoseconds(Int64(((value ?? 0) * 1e9).rounded())) }
        return Result(
            requests: requests, concurrency: concurrency, bodyBytes: bodyBytes,
            errors: reports.reduce(0) { $0 + $1.errors },
            firstError: reports.lazy.compactMap(\.firstError).first,
            seconds: seconds,
            p50: percentile(latencies?.p50), p99: percentile(latencies?.p99), max: percentile(latencies?.max),
            cpuMicrosecondsPerRequest: requests > 0 ? cpu * 1_000_000 / Double(requests) : 0,
            connectionsOpened: transport.statistics.connectionsOpened - connectionsBefore)
    }

    /// Splits `requests` over `concurrency` child tasks, each sending its share one at a time.
    /// All `requests` as one ``HTTPTransport/send(all:concurrency:)`` batch.
    private static func runBatch(_ transport: CurlTransport, _ request: HTTPRequest, requests: Int, concurrency: Int) async -> WorkerReport {
        var report = WorkerReport()
        for exchange in await transport.send(all: Array(repeating: request, count: requests), concurrency: concurrency) {
            report.latencies.append(exchange.elapsed)
            switch exchange.result {
            case .success(let response) where (200..<300).contains(response.status):
                break
            case .success(let response):
                report.errors += 1
                report.firstError = report.firstError ?? "HTTP \(response.status)"
            case .failure(let error):
                report.errors += 1
                report.firstError = report.firstError ?? error.description
            }
        }
        return report
    }

    private static func runWorkers(
        _ transport: CurlTransport, _ request: HTTPRequest, requests: Int, concurrency: Int
    ) async -> [WorkerReport] {
        await withTaskGroup(of: WorkerReport.self) { group in
            for worker in 0..<concurrency {
                let share = requests / concurrency + (worker < requests % concurrency ? 1 : 0)
                guard share > 0 else { continue }
                group.addTask {
                    var report = WorkerReport()
                    report.latencies.reserveCapacity(share)
                    let clock = ContinuousClock()
                    for _ in 0..<share {
                        let start = clock.now
                        do {
                            let response = try await transport.send(request)
                            report.latencies.append(clock.now - start)
                            if !(200..<300).contains(response.status) {
                                report.errors += 1
                                if report.firstError == nil { report.firstError = "HTTP \(response.status)" }
                            }
                        } catch {
                            report.errors += 1
                            if report.firstError == nil { report.firstError = "\(error)" }
                        }
                    }
                    return report
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// A JSON object of exactly `bytes` bytes (at least its fixed part), like a small webhook.
    static func jsonBody(bytes: Int) -> [UInt8] {
        let head = Array(#"{"type":"flight.takeoff","data":{"pad":""#.utf8)
        let tail = Array(#""}}"#.utf8)
        let pad = Swift.max(0, bytes - head.count - tail.count)
        return head + [UInt8](repeating: UInt8(ascii: "x"), count: pad) + tail
    }
}
