import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import SquawkCore
import SquawkHTTP
import SquawkSQLite
import SquawkStore
import SquawkTesting
import Testing

/// Real processes: `squawk simulate` (a scripted scenario) → `squawk serve` → REST → a receiver.
@Suite("End to end through real processes", .serialized)
struct EndToEndTests {
    /// Runs `squawk ARGS`, output to a file in `dir`.
    static func launch(_ args: [String], dir: URL, name: String) throws -> (Process, URL) {
        let log = dir.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let p = Process()
        p.executableURL = try SquawkBinary.url
        p.arguments = args
        p.standardOutput = try FileHandle(forWritingTo: log)
        p.standardError = p.standardOutput
        try p.run()
        return (p, log)
    }

    /// The first match of `pattern`'s group 1 in the file, waiting for it to appear.
    static func find(_ pattern: String, in file: URL, seconds: Double = 60) async throws -> String {
        let regex = try NSRegularExpression(pattern: pattern)
        var found: String?
        try await CrashRecoveryTests.wait("'\(pattern)' in \(file.lastPathComponent)", seconds: seconds) {
            let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            if let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), let r = Range(m.range(at: 1), in: text) {
                found = String(text[r])
            }
            return found != nil
        }
        return found!
    }

    static let client = CurlTransport()

    static func http(_ method: SquawkHTTP.HTTPMethod, _ url: String, key: String? = nil, body: String? = nil) async throws -> (Int, [String: Any]) {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let key { headers.append(("Authorization", "Bearer \(key)")) }
        let response = try await client.send(SquawkHTTP.HTTPRequest(method: method, url: url, headers: headers, body: body.map { Array($0.utf8) }))
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return (response.status, object)
    }

    final class Events: Sendable {
        let got = NIOLockedValueBox([(type: String, callsign: String, signed: Bool)]())
    }

    @Test("a scripted flight's takeoff and landing arrive as signed webhooks; the simulator never answered 429")
    func scenarioToWebhooks() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // One flight: parked at Heathrow, airborne at 30 s, down at Gatwick at 100 s.
        let scenario = dir.appendingPathComponent("scenario.json")
        try #"{"flights": [{"callsign": "SQK1", "server": "Expert", "origin": "EGLL", "spawnAt": 0, "takeoffAt": 30, "destination": "EGKK", "landAt": 100}]}"#
            .write(to: scenario, atomically: true, encoding: .utf8)

        let secretBox = NIOLockedValueBox<String?>(nil)
        let events = Events()
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let bytes = Array(buffer: body)
            let json = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
            let data = json?["data"] as? [String: Any]
            let h = request.headers
            let signed = secretBox.withLockedValue { $0 }.map { secret -> Bool in
                guard let id = h[HTTPField.Name("webhook-id")!], let ts = h[HTTPField.Name("webhook-timestamp")!].flatMap({ Int($0) }),
                      let sig = h[HTTPField.Name("webhook-signature")!] else { return false }
                return WebhookSigner.verify(id: id, timestamp: ts, signatureHeader: sig, body: bytes, secrets: [secret],
                                            now: Int(Date().timeIntervalSince1970))
            } ?? false
            events.got.withLockedValue { $0.append((json?["type"] as? String ?? "?", data?["callsign"] as? String ?? "?", signed)) }
            return .noContent
        }
        try await LoopbackServer.withServer(router) { receiverPort in
            let (sim, simLog) = try Self.launch(["simulate", "--port", "0", "--flights", "0", "--scenario", scenario.path, "--api-key", "e2e-key"],
                                                dir: dir, name: "simulate")
            defer { sim.terminate(); sim.waitUntilExit() }
            let simURL = try await Self.find(#"serving (http://127\.0\.0\.1:[0-9]+)/public/v2"#, in: simLog)
            let adminKey = "sqk_e2e_admin_key_0123456789"
            let (serve, serveLog) = try Self.launch(
                ["serve", "--port", "0", "--db", dir.appendingPathComponent("squawk.sqlite").path,
                 "--set", "liveapi.key=\"e2e-key\"", "--set", "liveapi.base_url=\(simURL)", "--set", "api.admin_key=\(adminKey)",
                 "--set", "api.allow_list=127.0.0.0/8"], dir: dir, name: "serve")
            defer { serve.terminate(); serve.waitUntilExit() }
            let api = try await Self.find(#"listening on (http://127\.0\.0\.1:[0-9]+)"#, in: serveLog)

            let (status, created) = try await Self.http(.post, "\(api)/v1/subscriptions", key: adminKey, body: """
                {"target": {"kind": "callsign", "id": "SQK1"}, "events": ["flight.takeoff", "flight.landing"],
                 "notifyEndpoint": "http://127.0.0.1:\(receiverPort)/hook", "format": "json"}
                """)
            #expect(status == 201)
            secretBox.withLockedValue { $0 = created["secret"] as? String }

            try await CrashRecoveryTests.wait("takeoff and landing webhooks", seconds: 240) {
                let types = Set(events.got.withLockedValue { $0 }.map(\.type))
                return types.contains("flight.takeoff") && types.contains("flight.landing")
            }
            let got = events.got.withLockedValue { $0 }
            #expect(got.allSatisfy { $0.callsign == "SQK1" && $0.signed })
            #expect(got.map(\.type) == ["flight.takeoff", "flight.landing"])

            let (statusCode, statusBody) = try await Self.http(.get, "\(api)/v1/status", key: adminKey)
            #expect(statusCode == 200)
            #expect(statusBody["upstreamReady"] as? Bool == true)
            let (_, simStats) = try await Self.http(.get, "\(simURL)/_sim/stats")
            #expect(simStats["rateLimited"] as? Int == 0, "the poller stayed inside the simulator's 30/min")
            #expect((simStats["requests"] as? Int ?? 0) > 5)
        }
    }

    @Test("SIGTERM while deliveries are in flight: they finish and are acknowledged; after a restart nothing is missing or repeated")
    func gracefulShutdown() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-term-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("squawk.sqlite").path
        let received = ReceivedLog()
        let router = Router()
        router.post("hook/:n") { request, _ -> HTTPResponse.Status in
            if let id = request.headers[HTTPField.Name("webhook-id")!] { received.note(id) }
            // Slow enough that most of the 3,000 are still queued when SIGTERM comes.
            try await Task.sleep(for: .milliseconds(20))
            return .noContent
        }
        try await LoopbackServer.withServer(router) { port in
            let expected = try await CrashRecoveryTests.fillOutbox(db: db, receiverPort: port, events: 3_000)
            // A lease a loaded machine's sends fit in: a send is cut at its claim's end less a
            // margin, and a cut-off send the receiver already had is (rightly) sent again.
            let args = ["serve", "--port", "0", "--db", db, "--set", "delivery.lease_seconds=10", "--set", "simulator.flights=0",
                        "--set", "api.allow_list=127.0.0.0/8"]
            let (first, firstLog) = try Self.launch(args, dir: dir, name: "serve1")
            try await CrashRecoveryTests.wait("the first deliveries", seconds: 60) { received.unique >= 300 }
            let atSignal = received.unique
            first.terminate()  // SIGTERM
            let stopAsked = ContinuousClock.now
            first.waitUntilExit()
            let stopTook = ContinuousClock.now - stopAsked
            let atStop = received.unique
            #expect(first.terminationStatus == 0)
            #expect(stopTook < .seconds(15), "stopped within the shutdown grace")
            #expect(atSignal < 3_000, "deliveries were still queued when SIGTERM came")

            let (second, secondLog) = try Self.launch(args, dir: dir, name: "serve2")
            defer { second.terminate(); second.waitUntilExit() }
            try await CrashRecoveryTests.wait("every event", seconds: 90) { received.contains(all: expected) }
            print("graceful shutdown: \(atSignal) delivered at SIGTERM, \(atStop) when the process had exited, stop took \(stopTook); \(received.total - received.unique) duplicates")
            #expect(received.total == received.unique, "an orderly stop acknowledges what it sent: no duplicates")
            if received.total != received.unique {
                // What the dispatchers said (timeouts, hand-backs, failed acknowledgements), for whoever reads the failure.
                for log in [firstLog, secondLog] {
                    let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                    for line in text.split(separator: "\n") where line.contains("warning") || line.contains("error") { print("\(log.lastPathComponent): \(line)") }
                }
            }
        }
    }
}
