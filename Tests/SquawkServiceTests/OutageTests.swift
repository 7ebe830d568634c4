import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import SquawkCore
import SquawkHTTP
import SquawkServer
import SquawkSQLite
import SquawkStore
import SquawkTesting
import Testing

@Suite("Receiver outage: everything arrives, in order per flight")
struct OutageTests {
    final class Receiver: Sendable {
        let down = NIOLockedValueBox(true)
        let refused = NIOLockedValueBox(0)
        let got = NIOLockedValueBox([(flight: String, event: String)]())
    }

    @Test("a receiver down for three retry rounds, then back: every event once, each flight's events in order")
    func outage() async throws {
        let store = try SQLiteStore.temporary()
        let receiver = Receiver()
        let router = Router()
        router.post("hook") { request, context -> HTTPResponse.Status in
            if receiver.down.withLockedValue({ $0 }) {
                receiver.refused.withLockedValue { $0 += 1 }
                return .serviceUnavailable
            }
            let body = try await request.body.collect(upTo: 1 << 20)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
            let data = json?["data"] as? [String: Any]
            let flight = data?["flightId"] as? String ?? "?"
            let id = request.headers[HTTPField.Name("webhook-id")!] ?? "?"
            receiver.got.withLockedValue { $0.append((flight, id)) }
            return .ok
        }
        try await LoopbackServer.withServer(router) { port in
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            _ = try await store.create(
                Subscription(id: "sub_outage", ownerKeyId: "admin", target: .init(kind: .server, id: "Expert Server"),
                             events: Set(EventType.allCases), notifyEndpoint: "http://127.0.0.1:\(port)/hook", createdAt: t0),
                secret: SigningSecret(secret: "whsec_b3V0YWdldGVzdHNlY3JldHNlY3JldA==", createdAt: t0), idempotency: nil)
            // Five flights, four events each, enqueued as the poller would: snapshot by snapshot.
            var expected: [String: [String]] = [:]
            let types: [EventType] = [.flightOnline, .takeoff, .landing, .flightOffline]
            for (step, type) in types.enumerated() {
                var batch: [(event: FlightEvent, subscriptionIds: [String])] = []
                for f in 0..<5 {
                    let e = FlightEvent(id: "evt_f\(f)_\(step)", type: type, at: t0.addingTimeInterval(Double(step)), flightId: "flight-\(f)")
                    expected["flight-\(f)", default: []].append(e.id)
                    batch.append((e, ["sub_outage"]))
                }
                _ = try await store.enqueue(batch, now: t0.addingTimeInterval(Double(step)))
            }
            let transport = CurlTransport()
            defer { transport.shutdown() }
            var config = DispatcherConfiguration()
            config.retryPolicy = RetryPolicy(schedule: [0, 5, 300, 1800, 7200, 18000], jitter: 0)
            let dispatcher = Dispatcher(store: store, transport: transport,
                                        endpointPolicy: EndpointPolicy(allowList: [IPRange(cidr: "127.0.0.0/8")!]), configuration: config)
            // Down: the first round and two retries (t0, +5 s, +305 s) are refused.
            for at in [0.0, 5, 305] { try await dispatcher.tick(now: t0.addingTimeInterval(at)) }
            #expect(receiver.got.withLockedValue { $0.isEmpty })
            #expect(receiver.refused.withLockedValue { $0 } >= 5)
            // Back up: keep ticking (the clock jumps to the next retry time) until the queue is empty.
            receiver.down.withLockedValue { $0 = false }
            var now = t0.addingTimeInterval(2105)
            for _ in 0..<40 {
                try await dispatcher.tick(now: now)
                let stats = try await store.queueStats(now: now)
                if stats.pending + stats.inflight == 0 { break }
                now = now.addingTimeInterval(60)
            }
            let got = receiver.got.withLockedValue { $0 }
            #expect(got.count == 20, "every event once")
            for (flight, ids) in expected {
                #expect(got.filter { $0.flight == flight }.map(\.event) == ids, "order of \(flight)")
            }
            let failed = try await store.deliveries(subscriptionId: "sub_outage", owner: "admin", status: .failed, after: nil, limit: 100)
            #expect(failed.items.isEmpty)
        }
    }
}
