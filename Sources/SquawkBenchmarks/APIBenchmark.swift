import Foundation
import Hummingbird
import Logging
import SquawkCore
import SquawkServer
import SquawkSQLite
import SquawkStore

/// `squawk bench api`: the REST API's read and write path against a bare Hummingbird route, in
/// one run, on this machine. Both servers run in this process on loopback ports; `wrk` (Debian
/// package `wrk`) drives them one after the other with the same threads, connections and
/// duration, so the ratios say what Squawk's own work costs per request.
///
/// The API runs over a fresh SQLite file holding `subscriptions` subscriptions of the admin key
/// (GET by id picks one at random per request); the list is read as a dashboard does (the same
/// first page, answered from ``RenderedAnswers`` while nothing changes) and as pages never read
/// before (random size and cursor: the store read and the writing every time); `POST` creates
/// durable subscriptions.
public struct APIBenchmark: Sendable {
    public var subscriptions = 1_000
    public var connections = 32
    public var threads = 2
    public var seconds = 5
    public var wrk = "wrk"

    public init() {}

    /// One wrk run: requests/s and latency percentiles (ms).
    public struct Run: Sendable {
        public var name: String
        public var requestsPerSecond: Double
        public var p50: Double
        public var p99: Double
        public var non2xx: Int
        /// Bytes read per answer (headers included), from wrk's transfer rate.
        public var bytesPerAnswer: Double
    }

    public struct Result: Sendable, CustomStringConvertible {
        public var runs: [Run]
        public var connections: Int
        public var seconds: Int

        func rate(_ name: String) -> Double { runs.first { $0.name == name }?.requestsPerSecond ?? .nan }

        public var description: String {
            var lines = ["api: wrk, \(connections) connections, \(seconds) s each, SQLite store (durable writes)"]
            lines.append("  route                         req/s   p50 ms   p99 ms  non-2xx  bytes/answer  vs bare")
            let bare = rate("bare")
            for r in runs {
                let name = r.name.padding(toLength: 27, withPad: " ", startingAt: 0)
                lines.append("  " + name + String(format: "%8.0f %8.2f %8.2f %8d %13.0f %7.0f %%", r.requestsPerSecond, r.p50, r.p99, r.non2xx,
                                                  r.bytesPerAnswer, r.requestsPerSecond / bare * 100))
            }
            lines.append("  goals: GET by id ≥ 60 % of bare, GET list ≥ 30 %, POST ≥ 5,000/s, p99 ≤ 10 ms")
            return lines.joined(separator: "\n")
        }
    }

    static let adminKey = "sqk_bench_admin_key_0123456789abcdef"

    public func run(progress: @Sendable (String) -> Void = { _ in }) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-bench-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("api.sqlite").path)
        let ids = try await Self.seed(store, subscriptions: subscriptions, now: Date())
        let deps = APIDependencies(subscriptions: store, keys: store, rules: SubscriptionRules(), adminKeyHash: KeyHash.sha256Hex(Self.adminKey),
                                   deliveries: store)
        let api = APIRouter.make(deps).router
        // The bare route answers a body of the same size as a subscription, from memory.
        let sample = try await store.get(id: ids[0], owner: AuthMiddleware.adminOwner)
        let size = sample.map { "\($0)".utf8.count } ?? 600
        let bare = Router()
        let body = ByteBuffer(string: "{\"x\":\"" + String(repeating: "a", count: size) + "\"}")
        bare.get("bare") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }

        let scripts = try Scripts(directory: directory, ids: ids)
        var logger = Logger(label: "bench.api")
        logger.logLevel = .critical  // the shutdown at the end of each run logs "Already closed"
        let configuration = ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0))
        let bareRuns = try await Self.serving({ running in
            Application(router: bare, configuration: configuration, onServerRunning: { running($0.localAddress?.port ?? 0) }, logger: logger)
        }) { port in
            progress("bare Hummingbird route")
            return [try wrkRun("bare", "http://127.0.0.1:\(port)/bare", script: nil)]
        }
        let apiRuns = try await Self.serving({ running in
            Application(router: api, configuration: configuration, onServerRunning: { running($0.localAddress?.port ?? 0) }, logger: logger)
        }) { port in
            let base = "http://127.0.0.1:\(port)"
            progress("GET /v1/subscriptions/{id}")
            let byID = try wrkRun("GET /v1/subscriptions/{id}", base, script: scripts.getByID)
            progress("GET /v1/subscriptions")
            let list = try wrkRun("GET /v1/subscriptions", base + "/v1/subscriptions", script: scripts.auth)
            progress("GET /v1/subscriptions, a new page each time")
            let pages = try wrkRun("GET list, new pages", base, script: scripts.pages)
            progress("POST /v1/subscriptions")
            return [byID, list, pages, try wrkRun("POST /v1/subscriptions", base + "/v1/subscriptions", script: scripts.create)]
        }
        let runs = bareRuns + apiRuns
        return Result(runs: runs, connections: connections, seconds: seconds)
    }

    /// `count` callsign subscriptions of the admin key (`sub_bench000000`…), in one transaction;
    /// their ids in order.
    static func seed(_ store: SQLiteStore, subscriptions count: Int, now: Date) async throws -> [String] {
        let batch = (0..<count).map { i in
            (Subscription(id: String(format: "sub_bench%06d", i), ownerKeyId: AuthMiddleware.adminOwner,
                          target: SubscriptionTarget(kind: .callsign, id: "DAL\(i)"), events: [.takeoff, .landing],
                          notifyEndpoint: "https://hooks.example.com/\(i)", format: .json, description: "bench subscription \(i)", createdAt: now),
             SigningSecret(secret: "whsec_\(i)", createdAt: now))
        }
        try await store.createBatch(batch)
        return batch.map(\.0.id)
    }

    /// Runs `body` while the application `make` builds serves on a free loopback port.
    static func serving<App: ApplicationProtocol>(_ make: (@escaping @Sendable (Int) -> Void) -> App,
                                                  _ body: (Int) async throws -> [Run]) async throws -> [Run] {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = make { continuation.yield($0) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var ports = stream.makeAsyncIterator()
            guard let port = await ports.next() else { throw BenchError("the server did not start") }
            defer { group.cancelAll() }
            return try await body(port)
        }
    }

    /// The Lua scripts wrk runs: the admin key on every request; GET by id cycles through ids at
    /// random; POST sends a create body.
    struct Scripts {
        let auth: String
        let getByID: String
        /// Pages of 1-200 after a random id: almost every one is read and written afresh.
        let pages: String
        let create: String

        init(directory: URL, ids: [String]) throws {
            let header = "wrk.headers[\"Authorization\"] = \"Bearer \(APIBenchmark.adminKey)\"\n"
            func write(_ name: String, _ text: String) throws -> String {
                let url = directory.appendingPathComponent(name)
                try (header + text).write(to: url, atomically: true, encoding: .utf8)
                return url.path
            }
            auth = try write("auth.lua", "")
            getByID = try write("get.lua", """
                ids = {\(ids.map { "\"\($0)\"" }.joined(separator: ","))}
                request = function() return wrk.format("GET", "/v1/subscriptions/" .. ids[math.random(#ids)]) end

                """)
            pages = try write("pages.lua", """
                ids = {\(ids.map { "\"\($0)\"" }.joined(separator: ","))}
                request = function()
                  return wrk.format("GET", "/v1/subscriptions?limit=" .. math.random(200) .. "&cursor=" .. ids[math.random(#ids)])
                end

                """)
            create = try write("create.lua", """
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "application/json"
                wrk.body = '{"target": {"kind": "callsign", "id": "DAL40"}, "events": ["flight.takeoff", "flight.landing"], "notifyEndpoint": "https://hooks.example.com/bench", "format": "json"}'

                """)
        }
    }

    func wrkRun(_ name: String, _ url: String, script: String?) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [wrk, "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency"] + (script.map { ["-s", $0] } ?? []) + [url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch {
            throw BenchError("cannot run \(wrk) (Debian: apt-get install wrk): \(error.localizedDescription)")
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let rate = Self.value(after: "Requests/sec:", in: output) else {
            throw BenchError("wrk failed: \(output)")
        }
        return Run(name: name, requestsPerSecond: rate, p50: Self.latency("50%", output) ?? .nan, p99: Self.latency("99%", output) ?? .nan,
                   non2xx: Int(Self.value(after: "Non-2xx or 3xx responses:", in: output) ?? 0),
                   bytesPerAnswer: (Self.bytes(after: "Transfer/sec:", in: output) ?? .nan) / rate)
    }

    static func value(after label: String, in text: String) -> Double? {
        guard let line = text.split(separator: "\n").first(where: { $0.contains(label) }) else { return nil }
        return Double(line.split(separator: " ").last.map(String.init) ?? "")
    }

    /// A size such as `1.53MB` (wrk's binary units) after `label`, in bytes.
    static func bytes(after label: String, in text: String) -> Double? {
        guard let line = text.split(separator: "\n").first(where: { $0.contains(label) }),
              let value = line.split(separator: " ").last else { return nil }
        let units: [(String, Double)] = [("GB", 1_073_741_824), ("MB", 1_048_576), ("KB", 1_024), ("B", 1)]
        for (suffix, factor) in units where value.hasSuffix(suffix) {
            return Double(value.dropLast(suffix.count)).map { $0 * factor }
        }
        return nil
    }

    /// A latency percentile line of `--latency` (`99%    3.21ms`) in milliseconds.
    static func latency(_ label: String, _ text: String) -> Double? {
        guard let line = text.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }),
              let value = line.split(separator: " ").last else { return nil }
        let units: [(String, Double)] = [("us", 0.001), ("ms", 1), ("s", 1000)]
        for (suffix, factor) in units where value.hasSuffix(suffix) {
            return Double(value.dropLast(suffix.count)).map { $0 * factor }
        }
        return nil
    }
}

/// A benchmark that could not run.
public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
