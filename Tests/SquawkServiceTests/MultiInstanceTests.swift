import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SquawkCore
import SquawkPostgres
import SquawkStore
import SquawkTesting
import Testing

/// Three `squawk serve` processes on one PostgreSQL database, the simulator upstream and a
/// loopback receiver: the cluster polls through one leader (inside the simulator's 30/min), every
/// instance delivers, nothing is sent twice without a crash, and when the leader is killed
/// another instance polls within 30 s and nothing is lost.
@Suite("Several instances on one PostgreSQL database", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["SQUAWK_TEST_POSTGRES_URL"].map { !$0.isEmpty } ?? false,
                "SQUAWK_TEST_POSTGRES_URL is not set (scripts/pg-test-cluster.sh sets it)"))
struct MultiInstanceTests {
    static let adminKey = "sqk_cluster_admin_key_0123456789"

    /// `base` with a fresh schema of its own (and TLS off: the test cluster is on loopback).
    static func clusterURL() throws -> (text: String, schema: String) {
        let base = try #require(ProcessInfo.processInfo.environment["SQUAWK_TEST_POSTGRES_URL"])
        let schema = "squawk_cluster_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        return (base + (base.contains("?") ? "&" : "?") + "sslmode=disable&schema=\(schema)", String(schema))
    }

    /// How many times the instance became the Live API polling leader.
    static func leaderLines(_ log: URL) -> Int {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").filter {
            $0.contains("became the polling leader") && $0.contains("poller/liveapi")
        }.count
    }

    /// The instances (indices into `apis`) whose `/v1/status` says they poll the Live API for the
    /// cluster now; an instance that does not answer is skipped.
    static func pollingLeaders(_ apis: [String]) async -> [Int] {
        var leaders: [Int] = []
        for (i, api) in apis.enumerated() {
            if let (_, body) = try? await EndToEndTests.http(.get, "\(api)/v1/status", key: adminKey), body["pollingLeader"] as? Bool == true {
                leaders.append(i)
            }
        }
        return leaders
    }

    @Test("3 instances, thousands of deliveries, each once; SIGKILL the polling leader: another polls within 30 s, nothing lost")
    func cluster() async throws {
        let (url, schema) = try Self.clusterURL()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if ProcessInfo.processInfo.environment["SQUAWK_KEEP_TEST_DIRS"] == nil { try? FileManager.default.removeItem(at: dir) } }
        let received = ReceivedLog()
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            if let id = request.headers[HTTPField.Name("webhook-id")!] { received.note(id) }
            return .noContent
        }
        try await LoopbackServer.withServer(router) { receiverPort in
            let (sim, simLog) = try EndToEndTests.launch(["simulate", "--port", "0", "--flights", "3000", "--time-scale", "30",
                                                          "--api-key", "cluster-key"], dir: dir, name: "simulate")
            defer { if sim.isRunning { sim.terminate(); sim.waitUntilExit() } }
            let simURL = try await EndToEndTests.find(#"serving (http://127\.0\.0\.1:[0-9]+)/public/v2"#, in: simLog)

            var instances: [(process: Process, log: URL, api: String)] = []
            defer { for i in instances where i.process.isRunning { i.process.terminate(); i.process.waitUntilExit() } }
            for n in 0..<3 {
                let (p, log) = try EndToEndTests.launch(
                    ["serve", "--port", "0", "--set", "store.url=\"\(url)\"", "--set", "liveapi.key=\"cluster-key\"",
                     "--set", "liveapi.base_url=\(simURL)", "--set", "api.admin_key=\(Self.adminKey)", "--set", "api.allow_list=127.0.0.0/8",
                     "--set", "api.allow_server_targets=true", "--set", "delivery.lease_seconds=30"], dir: dir, name: "serve\(n)")
                instances.append((p, log, ""))
                instances[n].api = try await EndToEndTests.find(#"listening on (http://127\.0\.0\.1:[0-9]+)"#, in: log)
            }
            let apis = instances.map(\.api)
            try await CrashRecoveryTests.waitAsync("a polling leader", seconds: 30) { !(await Self.pollingLeaders(apis)).isEmpty }
            let leaders = await Self.pollingLeaders(apis)
            #expect(leaders.count == 1, "one leader for the cluster")
            let first = try #require(leaders.first)

            // Subscribed through an instance that does not poll: the leader hears of it through the store.
            let via = instances[(first + 1) % 3].api
            let (status, _) = try await EndToEndTests.http(.post, "\(via)/v1/subscriptions", key: Self.adminKey, body: """
                {"target": {"kind": "server", "id": "Expert Server"},
                 "events": ["flight.takeoff", "flight.landing", "flight.online", "flight.offline"],
                 "notifyEndpoint": "http://127.0.0.1:\(receiverPort)/hook", "format": "json"}
                """)
            #expect(status == 201)

            let subscribedAt = ContinuousClock.now
            // 1,000 before the kill: ~30 s alone, but the debug-built simulator and instances share
            // two cores with the rest of the suite in CI, where a 2,000 target once took over 240 s.
            do {
                try await CrashRecoveryTests.wait("1,000 deliveries", seconds: 300) { received.unique >= 1_000 }
            } catch {
                let terms = instances.map { Self.leaderLines($0.log) }
                print("cluster test: only \(received.unique) deliveries after 300 s; leadership terms \(terms)")
                throw error
            }
            let firstThousand = ContinuousClock.now - subscribedAt
            let duplicatesBeforeKill = received.total - received.unique
            let repeatedBeforeKill = received.repeated
            #expect(duplicatesBeforeKill == 0, "no webhook sent twice while nothing crashed")
            // Terms of leadership so far: the lease is renewed beside the polling steps, so one,
            // unless the store itself stalled past a lease (then the handover is fenced: the
            // duplicates above stay 0). Reported.
            let termsBeforeKill = instances.map { Self.leaderLines($0.log) }

            // Kill the current leader; another instance must poll within 30 s.
            var current: [Int] = []
            try await CrashRecoveryTests.waitAsync("the current polling leader", seconds: 30) {
                current = await Self.pollingLeaders(apis)
                return current.count == 1
            }
            let leader = current[0]
            kill(instances[leader].process.processIdentifier, SIGKILL)
            instances[leader].process.waitUntilExit()
            let killedAt = ContinuousClock.now
            let atKill = received.unique
            try await CrashRecoveryTests.waitAsync("a new polling leader", seconds: 30) {
                !(await Self.pollingLeaders(apis.indices.map { $0 == leader ? "" : apis[$0] }.filter { !$0.isEmpty })).isEmpty
            }
            let takeover = ContinuousClock.now - killedAt
            try await CrashRecoveryTests.wait("deliveries from the new leader's polls", seconds: 180) { received.unique >= atKill + 500 }

            // Stop the upstream: polling ends, and the surviving dispatchers drain the queue
            // (the dead instance's claims come back when their 30 s leases end).
            let (_, simStats) = try await EndToEndTests.http(.get, "\(simURL)/_sim/stats")
            #expect(simStats["rateLimited"] as? Int == 0, "the cluster polled inside the simulator's 30 requests/min")
            sim.terminate()
            sim.waitUntilExit()
            var log = Logger(label: "test.cluster")
            log.logLevel = .error
            let store = PostgresStore(url: try PostgresURL(url), maximumConnections: 2, logger: log)
            let (deliveries, stats) = try await store.withRunning {
                try await CrashRecoveryTests.waitAsync("an empty queue", seconds: 120) {
                    let s = try await store.queueStats(now: Date())
                    return s.pending == 0 && s.inflight == 0
                }
                let subscription = try #require(try await store.list(SubscriptionQuery(ownerKeyId: "admin")).items.first)
                var all: [Delivery] = []
                var cursor: String?
                repeat {
                    let page = try await store.deliveries(subscriptionId: subscription.id, owner: "admin", status: nil, after: cursor, limit: 1_000)
                    all += page.items
                    cursor = page.nextCursor
                } while cursor != nil
                let stats = try await store.queueStats(now: Date())
                // Why a webhook came twice before the kill: the attempts its delivery records.
                for d in all where repeatedBeforeKill.contains(d.eventId) {
                    let attempts = try await store.attempts(deliveryId: d.id)
                    print("cluster test: repeated \(d.eventId): " + attempts.map {
                        "attempt \($0.attempt) at \($0.at.timeIntervalSince1970) status \($0.statusCode.map(String.init) ?? "-") "
                            + "latency \($0.latencyMs) ms error \($0.error ?? "-")"
                    }.joined(separator: "; "))
                }
                try await store.execute(unsafeSQL: "DROP SCHEMA \(schema) CASCADE")
                return (all, stats)
            }
            #expect(stats.pending == 0 && stats.inflight == 0)
            #expect(deliveries.allSatisfy { $0.status == .delivered })
            #expect(Set(deliveries.map(\.sequence)).count == deliveries.count)
            #expect(deliveries.map(\.sequence).max() == Int64(deliveries.count), "sequence numbers are gapless")
            #expect(received.contains(all: deliveries.map(\.eventId)), "every delivery arrived")
            #expect(received.unique == deliveries.count)
            let duplicates = received.total - received.unique
            // At-least-once across the crash: only what the killed instance had in flight may come twice.
            #expect(duplicates <= 3 * 256)
            print("cluster test: \(deliveries.count) deliveries (the first 1,000 in \(firstThousand)), \(duplicatesBeforeKill) duplicates before the kill, \(duplicates) after; "
                  + "leadership terms before the kill \(termsBeforeKill); polling resumed \(takeover) after SIGKILL of the leader")
        }
    }
}

extension CrashRecoveryTests {
    /// Waits until the async `condition` holds, polling every 100 ms, or fails after `seconds`.
    static func waitAsync(_ what: String, seconds: Double, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while !(try await condition()) {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
