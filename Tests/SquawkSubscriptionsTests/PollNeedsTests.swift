import Foundation
import SquawkCore
import Testing

@Suite("Poll needs: only what active subscriptions need is polled")
struct PollNeedsTests {
    static let casual = ServerRef(id: "c", name: "Casual Server")
    static let expert = ServerRef(id: "e", name: "Expert Server")
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func sub(_ kind: TargetKind, _ id: String, server: String? = nil, events: Set<EventType>? = nil,
                    expiresAt: Date? = nil) -> Subscription {
        Subscription(id: "s\(id)", ownerKeyId: "k", target: .init(kind: kind, id: id), server: server,
                     events: events ?? kind.defaultEvents, notifyEndpoint: "https://x.example/", createdAt: now, expiresAt: expiresAt)
    }

    let needs = PollNeeds(servers: [casual, expert], flightServer: ["f1": "e"], airportsWithATC: ["e": ["KLAX"]],
                          watchedFlights: ["e": ["f1", "f2"], "c": ["f3"]])

    @Test("nothing watched: sessions only")
    func idle() {
        #expect(needs.tasks(for: [Subscription](), now: Self.now) == [.sessions])
    }

    @Test("a server restriction (by name, any case) limits polling to that server")
    func restriction() {
        let tasks = needs.tasks(for: [Self.sub(.callsign, "DAL40", server: "expert server", events: [.takeoff])], now: Self.now)
        #expect(tasks == [.sessions, .flights(server: "e")])
    }

    @Test("a flight whose server is known needs only that server")
    func knownFlight() {
        let tasks = needs.tasks(for: [Self.sub(.flight, "F1", events: [.landing])], now: Self.now)
        #expect(tasks == [.sessions, .flights(server: "e")])
        let unknown = needs.tasks(for: [Self.sub(.flight, "f9", events: [.landing])], now: Self.now)
        #expect(unknown == [.sessions, .flights(server: "e"), .flights(server: "c")])
    }

    @Test("ATC only where ATC events are wanted; ATIS only for watched airports with ATC open")
    func atcAndATIS() {
        let tasks = needs.tasks(for: [Self.sub(.airport, "klax", server: "Expert Server"),
                                      Self.sub(.airport, "EGLL", server: "Expert Server")], now: Self.now)
        #expect(tasks.contains(.atc(server: "e")))
        #expect(tasks.contains(.atis(server: "e", airport: "KLAX")))
        #expect(!tasks.contains(.atis(server: "e", airport: "EGLL")))
    }

    @Test("flight plans for watched flights on needed servers, capped")
    func plans() {
        let subs = [Self.sub(.callsign, "DAL*", server: "Expert Server", events: [.planChanged])]
        #expect(needs.tasks(for: subs, now: Self.now).filter { if case .flightPlan = $0 { true } else { false } }.count == 2)
        #expect(needs.tasks(for: subs, now: Self.now, maxFlightPlans: 1).filter { if case .flightPlan = $0 { true } else { false } }.count == 1)
        let noPlans = [Self.sub(.callsign, "DAL*", server: "Expert Server", events: [.takeoff])]
        #expect(!needs.tasks(for: noPlans, now: Self.now).contains { if case .flightPlan = $0 { true } else { false } })
    }

    @Test("expired and FLS subscriptions need nothing from the Live API")
    func expiredAndFLS() {
        let subs = [Self.sub(.flight, "f1", expiresAt: Self.now.addingTimeInterval(-1)), Self.sub(.flsClub, "club")]
        #expect(needs.tasks(for: subs, now: Self.now) == [.sessions])
    }

    @Test("a small budget stretches every interval by one factor and never exceeds the limit")
    func plan() {
        let tasks: Set<PollTask> = [.sessions, .flights(server: "a"), .atc(server: "a"), .flights(server: "b"), .atc(server: "b"),
                                    .flights(server: "c"), .atc(server: "c")]
        for limit in [3, 10, 26, 30, 100] {
            let plan = PollPlan.make(tasks: tasks, limit: limit)
            #expect(plan.requestsPerMinute <= Double(limit) + 0.001)
            #expect(plan.entries.allSatisfy { $0.interval >= $0.task.minimumInterval })
            #expect(plan.degraded == (limit < 27))
        }
    }
}
