import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import SquawkCore
import SquawkHTTP
import SquawkSimulator
import SquawkTesting
import Testing

/// Real processes for the FLS source: `squawk simulate` (a club day at 120× under `/fls`) →
/// `squawk serve` (an FLS instance in its configuration) → an `fls_club` subscription → signed
/// webhooks for glider and tow legs at a loopback receiver, scored against the simulator's truth.
@Suite("FLS end to end through real processes", .serialized)
struct FLSEndToEndTests {
    struct Received: Sendable { var id: String; var type: String; var flightId: String; var leg: String; var signed: Bool }

    @Test("a simulated club day: fls.takeoff and fls.landing for every glider and tow leg arrive signed, once, matching the truth")
    func clubDay() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-fls-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The same layout as the simulator's (flights and legs depend on the seed, not the start).
        let flights = 12
        let layout = ClubDay(ClubDayConfiguration(seed: 5, start: Date(), flights: flights))
        let legCount = layout.flights.reduce(0) { $0 + $1.legs.count }
        #expect(layout.flights.contains { $0.legs.count == 2 }, "the day has aero-tows (glider and tow legs)")

        let secretBox = NIOLockedValueBox<String?>(nil)
        let got = NIOLockedValueBox<[Received]>([])
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let bytes = Array(buffer: try await request.body.collect(upTo: 1 << 20))
            let json = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
            let data = json?["data"] as? [String: Any]
            let h = request.headers
            let id = h[HTTPField.Name("webhook-id")!] ?? ""
            let signed = secretBox.withLockedValue { $0 }.map { secret -> Bool in
                guard let ts = h[HTTPField.Name("webhook-timestamp")!].flatMap({ Int($0) }), let sig = h[HTTPField.Name("webhook-signature")!] else { return false }
                return WebhookSigner.verify(id: id, timestamp: ts, signatureHeader: sig, body: bytes, secrets: [secret], now: Int(Date().timeIntervalSince1970))
            } ?? false
            got.withLockedValue {
                $0.append(Received(id: id, type: json?["type"] as? String ?? "?", flightId: data?["flightId"] as? String ?? "?",
                                   leg: data?["leg"] as? String ?? "?", signed: signed))
            }
            return .noContent
        }
        try await LoopbackServer.withServer(router) { receiverPort in
            // First launch 20 sim-minutes in (10 s of wall time), so the subscription is in place.
            let (sim, simLog) = try EndToEndTests.launch(
                ["simulate", "--port", "0", "--flights", "0", "--seed", "5", "--time-scale", "120", "--api-key", "e2e-key",
                 "--fls-flights", "\(flights)", "--fls-launch-gap", "90", "--fls-first-launch", "1200"], dir: dir, name: "simulate")
            defer { sim.terminate(); sim.waitUntilExit() }
            let simURL = try await EndToEndTests.find(#"serving (http://127\.0\.0\.1:[0-9]+)/public/v2"#, in: simLog)
            let flsURL = simURL.replacingOccurrences(of: "http://", with: "http://club:club-sim-password@") + "/fls"
            let adminKey = "sqk_e2e_admin_key_0123456789"
            let (serve, serveLog) = try EndToEndTests.launch(
                ["serve", "--port", "0", "--db", dir.appendingPathComponent("squawk.sqlite").path,
                 "--set", "liveapi.key=\"e2e-key\"", "--set", "liveapi.base_url=\(simURL)", "--set", "api.admin_key=\(adminKey)",
                 "--set", "api.allow_list=127.0.0.0/8", "--set", "fls.instances=club=\(flsURL)",
                 "--set", "fls.poll_interval_seconds=1", "--set", "fls.requests_per_minute=90"], dir: dir, name: "serve")
            defer { serve.terminate(); serve.waitUntilExit() }
            let api = try await EndToEndTests.find(#"listening on (http://127\.0\.0\.1:[0-9]+)"#, in: serveLog)

            let (status, created) = try await EndToEndTests.http(.post, "\(api)/v1/subscriptions", key: adminKey, body: """
                {"target": {"kind": "fls_club", "id": "club"}, "notifyEndpoint": "http://127.0.0.1:\(receiverPort)/hook"}
                """)
            #expect(status == 201)
            secretBox.withLockedValue { $0 = created["secret"] as? String }

            func legs(_ type: String) -> Int {
                Set(got.withLockedValue { $0 }.filter { $0.type == type }.map { "\($0.flightId)/\($0.leg)" }).count
            }
            try await CrashRecoveryTests.wait("takeoff and landing of all \(legCount) legs", seconds: 300) {
                legs("fls.takeoff") == legCount && legs("fls.landing") == legCount
            }
            let received = got.withLockedValue { $0 }
            let response = try await EndToEndTests.client.send(SquawkHTTP.HTTPRequest(url: "\(simURL)/_sim/fls/truth?since=0"))
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let truth = try decoder.decode([FLSTruthEvent].self, from: Data(response.body))
            let score = FLSScore(truth: truth, detected: received.map { ($0.type, $0.flightId, $0.leg) })
            print("FLS end to end (\(flights) flights, \(legCount) legs, time scale 120, polled every 1 s = 2 sim-minutes):\n\(score)")
            for type in ["fls.takeoff", "fls.landing"] {
                let line = try #require(score.lines[type])
                #expect(line.truth == legCount && line.precision == 1 && line.recall == 1, "\(type)")
            }
            #expect(received.allSatisfy { $0.signed }, "every webhook verifies with the subscription's secret")
            #expect(Set(received.map(\.id)).count == received.count, "no duplicates")
            let expectedLegs = Set(layout.flights.flatMap { $0.legs.map(\.kind.rawValue) })
            #expect(Set(received.filter { $0.type == "fls.takeoff" }.map(\.leg)) == expectedLegs)
        }
    }
}
