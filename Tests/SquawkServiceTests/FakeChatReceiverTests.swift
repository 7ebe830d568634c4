import Foundation
import Hummingbird
import NIOConcurrencyHelpers
@testable import SquawkApp
import SquawkCore
import SquawkHTTP
@testable import SquawkServer
import SquawkSQLite
import SquawkStore
import SquawkTesting
import Testing

/// `squawk receive --as discord`: a receiver that enforces Discord's limits, and the real
/// dispatcher (curl, loopback) sending to it without a single 429.
@Suite("Fake Discord: rate and payload limits enforced, and the dispatcher keeps inside them")
struct FakeChatReceiverTests {
    /// Runs a `--as mode` receiver on a free port around `body`; returns what it recorded.
    static func withFake<R>(_ mode: ChatReceiverMode, _ body: (Int) async throws -> R) async throws -> (R, [Receiver.Received]) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fake-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = try Receiver(host: "127.0.0.1", port: 0, jsonLines: file.path, mode: mode)
            .application(output: { _ in }, onReady: { continuation.yield($0) })
        let result = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var it = ports.makeAsyncIterator()
            let port = try #require(await it.next())
            defer { group.cancelAll() }
            return try await body(port)
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let lines = (try? String(contentsOf: file, encoding: .utf8))?.split(separator: "\n") ?? []
        return (result, try lines.map { try decoder.decode(Receiver.Received.self, from: Data($0.utf8)) })
    }

    @Test("the windows by time: five requests in 2 s pass, the sixth waits for the first to be 2 s old; Slack one a second")
    func windows() throws {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let discord = ChatWindows()
        let budget = try #require(ChatReceiverMode.discord.budget)
        for i in 0..<5 { #expect(discord.admit("/a", budget: budget, now: t0.addingTimeInterval(Double(i) * 0.1)) == nil) }
        let wait = discord.admit("/a", budget: budget, now: t0.addingTimeInterval(0.5))
        #expect(wait.map { abs($0 - 1.5) < 0.001 } == true, "\(String(describing: wait))")
        #expect(discord.admit("/b", budget: budget, now: t0.addingTimeInterval(0.5)) == nil, "another webhook has its own windows")
        let slack = ChatWindows()
        let oneASecond = try #require(ChatReceiverMode.slack.budget)
        #expect(slack.admit("/s", budget: oneASecond, now: t0) == nil)
        #expect(slack.admit("/s", budget: oneASecond, now: t0.addingTimeInterval(0.5)) != nil)
        #expect(slack.admit("/s", budget: oneASecond, now: t0.addingTimeInterval(2)) == nil)
    }

    @Test("over HTTP: 31 requests to one webhook meet a 429 with a JSON retry_after (30 a minute at most pass); 11 embeds are a 400")
    func limits() async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let (statuses, _) = try await Self.withFake(.discord) { port -> [Int] in
            let ok = SquawkHTTP.HTTPRequest(method: .post, url: "http://127.0.0.1:\(port)/api/webhooks/1/a", headers: [("content-type", "application/json")],
                                 body: Array(#"{"content": "hi"}"#.utf8))
            var out: [Int] = []
            var retryAfter: Double?
            for _ in 0..<31 {
                let r = try await transport.send(ok)
                out.append(r.status)
                if r.status == 429, retryAfter == nil, case .object(let o) = try JSONValue.parse(r.body), case .number(let wait)? = o["retry_after"] {
                    retryAfter = wait
                }
            }
            #expect(retryAfter.map { $0 > 0 && $0 <= 60 } == true)
            let embeds = "[" + Array(repeating: #"{"title": "x"}"#, count: 11).joined(separator: ",") + "]"
            var big = ok
            big.url = "http://127.0.0.1:\(port)/api/webhooks/2/b"
            big.body = Array(#"{"embeds": \#(embeds)}"#.utf8)
            out.append(try await transport.send(big).status)
            return out
        }
        #expect(statuses.prefix(5) == [204, 204, 204, 204, 204])
        #expect(statuses.filter { $0 == 204 }.count <= 30)
        #expect(statuses.contains(429))
        #expect(statuses.last == 400)
    }

    @Test("23 fresh events for one Discord subscription: 3 messages (10 + 10 + 3 embeds), every one accepted, no 429")
    func dispatcherInside() async throws {
        let store = try SQLiteStore.temporary()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let (_, received) = try await Self.withFake(.discord) { port in
            let rules = SubscriptionRules(endpointPolicy: DispatchHarness.loopback)
            var request = SubscriptionRequest()
            request.target = SubscriptionTarget(kind: .callsign, id: "SQK*")
            request.notifyEndpoint = "http://127.0.0.1:\(port)/api/webhooks/1/abc"
            request.format = .discord
            let now = Date()
            let sub = try rules.newSubscription(request, id: "sub_fake_discord", owner: "admin", now: now)
            _ = try await store.create(sub, secret: SigningSecret(secret: DispatchHarness.secret, createdAt: now), idempotency: nil)
            let events = (1...23).map { n -> FlightEvent in
                var e = DispatchHarness.event(n, flight: "F\(n)")
                e.at = now
                return e
            }
            _ = try await store.enqueue(events.map { ($0, [sub.id]) }, now: now)
            let dispatcher = Dispatcher(store: store, transport: transport, endpointPolicy: DispatchHarness.loopback)
            let stopping = NIOLockedValueBox(false)
            let loop = Task { await dispatcher.pipeline(stopping: stopping) }
            let deadline = ContinuousClock.now + .seconds(30)
            while try await store.deliveries(subscriptionId: sub.id, owner: "admin", status: .delivered, after: nil, limit: 100).items.count < 23 {
                guard ContinuousClock.now < deadline else { Issue.record("23 not delivered in 30 s"); break }
                try await Task.sleep(for: .milliseconds(20))
            }
            stopping.withLockedValue { $0 = true }
            dispatcher.wake()
            await loop.value
        }
        #expect(received.map(\.status) == [204, 204, 204])
        let embeds = received.map { r -> Int in
            guard case .object(let o)? = try? JSONValue.parse(Array(r.body.utf8)), case .array(let e)? = o["embeds"] else { return 0 }
            return e.count
        }
        #expect(embeds.sorted() == [3, 10, 10])
    }

    @Test("a live card through the fake Discord over HTTP: a post with ?wait=true returns the message id, the next events edit it with PATCH; an edit of an unknown message is a 404")
    func liveCard() async throws {
        let store = try SQLiteStore.temporary()
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let (unknown, received) = try await Self.withFake(.discord) { port -> Int in
            let rules = SubscriptionRules(endpointPolicy: DispatchHarness.loopback)
            var request = SubscriptionRequest()
            request.target = SubscriptionTarget(kind: .callsign, id: "SQK*")
            request.notifyEndpoint = "http://127.0.0.1:\(port)/api/webhooks/1/abc"
            request.format = .discord
            request.card = .some(.string("live"))
            let now = Date()
            let sub = try rules.newSubscription(request, id: "sub_fake_card", owner: "admin", now: now)
            _ = try await store.create(sub, secret: SigningSecret(secret: DispatchHarness.secret, createdAt: now), idempotency: nil)
            let dispatcher = Dispatcher(store: store, transport: transport, endpointPolicy: DispatchHarness.loopback)
            let stopping = NIOLockedValueBox(false)
            let loop = Task { await dispatcher.pipeline(stopping: stopping) }
            for (n, type) in [EventType.flightOnline, .takeoff, .landing].enumerated() {
                var e = DispatchHarness.event(n + 1, flight: "F1", type: type)
                e.at = now
                _ = try await store.enqueue([(e, [sub.id])], now: now)
                dispatcher.wake()
                let deadline = ContinuousClock.now + .seconds(20)
                while try await store.deliveries(subscriptionId: sub.id, owner: "admin", status: .delivered, after: nil, limit: 100).items.count < n + 1 {
                    guard ContinuousClock.now < deadline else { Issue.record("event \(n + 1) not delivered in 20 s"); break }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            stopping.withLockedValue { $0 = true }
            dispatcher.wake()
            await loop.value
            let stray = SquawkHTTP.HTTPRequest(method: .patch, url: "http://127.0.0.1:\(port)/api/webhooks/1/abc/messages/42",
                                               headers: [("content-type", "application/json")], body: Array(#"{"content": "x"}"#.utf8))
            return try await transport.send(stray).status
        }
        #expect(unknown == 404)
        let cards = received.filter { $0.path?.hasSuffix("/42") != true }
        #expect(cards.map { $0.method ?? "" } == ["POST", "PATCH", "PATCH"])
        #expect(cards.map(\.status) == [200, 200, 200])
        let id = try #require(cards.dropFirst().first?.path?.split(separator: "/").last)
        #expect(cards.dropFirst().allSatisfy { $0.path == "/api/webhooks/1/abc/messages/\(id)" })
        #expect(cards.last?.body.contains("Landed at") == true)
    }
}
