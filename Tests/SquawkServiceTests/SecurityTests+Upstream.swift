import Foundation
import SquawkCore
import SquawkServer
import Testing

/// Issue 20, item 5: the upstream margin, on the poller driven by a simulated clock against an
/// in-process world (see ``PollerTests``); the budget rules by value are in `PollBudgetTests.swift`.
extension SecurityTests {
    @Test("a simulated hour of a mixed load against an upstream that enforces 30/min: no 429, no minute over 27")
    func upstreamMargin() async throws {
        let subs = [
            PollerTests.subscription(1, .init(kind: .server, id: "Expert Server")),
            PollerTests.subscription(2, .init(kind: .airport, id: "KLAX")),
            PollerTests.subscription(3, .init(kind: .airport, id: "EGLL")),
            PollerTests.subscription(4, .init(kind: .callsign, id: "DAL*")),
            PollerTests.subscription(5, .init(kind: .user, id: "someone")),
        ]
        let h = try await PollerTests.Harness(subscriptions: subs)
        h.upstream.log.withLockedValue { $0.enforce = 30 }
        await h.run(for: 3_600)
        let requests = h.upstream.requests
        #expect(requests.count > 27 * 50, "it polled the hour through")
        #expect(h.upstream.log.withLockedValue { $0.rateLimited } == 0)
        #expect(PollerTests.maxPerMinute(requests.map(\.at)) <= 27)
    }

    @Test("a failed sessions read is retried after 5, 10, 20, 40, 60 s; ready within a minute of the upstream coming back")
    func sessionsBackOff() async throws {
        let h = try await PollerTests.Harness(subscriptions: [PollerTests.subscription(1, .init(kind: .server, id: "Expert Server"))])
        let back = PollerTests.start.addingTimeInterval(200)
        h.upstream.log.withLockedValue { $0.sessionsDownUntil = back }
        await h.run(for: 400)
        let sessions = h.upstream.requests.filter { $0.what == "sessions" }.map { $0.at.timeIntervalSince(PollerTests.start) }
        let gaps = zip(sessions.dropFirst(), sessions).map { ($0 - $1).rounded() }
        #expect(Array(gaps.prefix(6)) == [5, 10, 20, 40, 60, 60])
        let firstSuccess = try #require(sessions.first { $0 >= 200 })
        #expect(firstSuccess <= 200 + 60)
        let ready = await h.poller.status(now: h.clock.now()).upstreamReady
        #expect(ready)
    }

}
