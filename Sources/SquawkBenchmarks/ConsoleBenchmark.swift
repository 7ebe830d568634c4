import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SquawkConsole
import SquawkCore
import SquawkServer
import SquawkSQLite
import SquawkStore

/// `squawk bench console`: server-side time of the console's heaviest pages over a real store:
/// the subscriptions list with 1,000 subscriptions and a subscription whose delivery log holds
/// 10,000 rows. Each page is requested one at a time over loopback (wrk, 1 connection), so a
/// request's latency is the page's render time plus loopback.
public struct ConsoleBenchmark: Sendable {
    public var subscriptions = 1_000
    public var deliveries = 10_000
    public var seconds = 5
    public var wrk = "wrk"

    public init() {}

    public struct Result: Sendable, CustomStringConvertible {
        public var runs: [APIBenchmark.Run]
        public var description: String {
            var lines = ["console pages, 1 connection (latency = server render + loopback):"]
            for r in runs {
                lines.append("  " + r.name.padding(toLength: 42, withPad: " ", startingAt: 0)
                             + String(format: "%8.0f pages/s  p50 %6.2f ms  p99 %6.2f ms  non-2xx %d", r.requestsPerSecond, r.p50, r.p99, r.non2xx))
            }
            return lines.joined(separator: "\n")
        }
    }

    public func run(progress: @Sendable (String) -> Void = { _ in }) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-bench-console-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("console.sqlite").path)
        let now = Date()
        progress("\(subscriptions) subscriptions, \(deliveries) deliveries")
        _ = try await APIBenchmark.seed(store, subscriptions: subscriptions, now: now)
        let busy = "sub_bench000000"
        for chunk in stride(from: 0, to: deliveries, by: 1_000) {
            let events = (chunk..<min(deliveries, chunk + 1_000)).map { n in
                FlightEvent(id: String(format: "evt_bench%08d", n), type: .takeoff, at: now, callsign: "DAL0", airport: "KLAX")
            }
            _ = try await store.enqueue(events.map { ($0, [busy]) }, now: now)
        }
        let deps = APIDependencies(subscriptions: store, keys: store, rules: SubscriptionRules(), adminKeyHash: KeyHash.sha256Hex(APIBenchmark.adminKey),
                                   deliveries: store)
        let router = APIRouter.make(deps).router
        try await WebConsole(api: APIRouter.make(deps).router, flights: EmptyFlightDirectory(), feed: nil).register(on: router)
        var logger = Logger(label: "bench.console")
        logger.logLevel = .critical
        let configuration = ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0))
        var api = APIBenchmark()
        api.connections = 1
        api.threads = 1
        api.seconds = seconds
        api.wrk = wrk
        let runs = try await APIBenchmark.serving({ running in
            Application(router: router, configuration: configuration, onServerRunning: { running($0.localAddress?.port ?? 0) }, logger: logger)
        }) { port in
            let base = "http://127.0.0.1:\(port)"
            let cookie = try Self.signIn(base)
            let script = directory.appendingPathComponent("cookie.lua")
            try "wrk.headers[\"Cookie\"] = \"\(cookie)\"\n".write(to: script, atomically: true, encoding: .utf8)
            var runs: [APIBenchmark.Run] = []
            for (name, path) in [("overview", "/console"), ("subscriptions list (50 of \(subscriptions))", "/console/subscriptions"),
                                 ("subscription + log (50 of \(deliveries) rows)", "/console/subscriptions/\(busy)")] {
                progress(name)
                runs.append(try api.wrkRun(name, base + path, script: script.path))
            }
            return runs
        }
        return Result(runs: runs)
    }

    /// Signs in with curl and returns the session cookie (`name=value`).
    static func signIn(_ base: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-i", "-d", "key=\(APIBenchmark.adminKey)", base + "/console/signin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = output.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("set-cookie:") }),
              let value = line.dropFirst("set-cookie:".count).split(separator: ";").first else {
            throw BenchError("sign-in did not set a cookie: \(output.prefix(300))")
        }
        return value.trimmingCharacters(in: .whitespaces)
    }
}
