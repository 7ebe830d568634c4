import Foundation
import Testing
@testable import SquawkCore

@Suite("Matcher")
struct MatcherTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let expert = ServerRef(id: "7e5dcd44-1fb5-49cc-bc2c-a9aab1f6a856", name: "Expert Server")
    let casual = ServerRef(id: "d01006e4-3114-473c-8f69-020b89d02884", name: "Casual Server")

    func sub(_ id: String, _ kind: TargetKind, _ target: String, events: Set<EventType>? = nil, server: String? = nil,
             status: SubscriptionStatus = .active, expires: Date? = nil) -> Subscription {
        Subscription(id: id, ownerKeyId: "key", target: .init(kind: kind, id: target), server: server,
                     events: events ?? kind.defaultEvents, notifyEndpoint: "https://example.com/", status: status,
                     createdAt: t0, expiresAt: expires)
    }

    func event(_ type: EventType, flight: String = "f1", callsign: String = "DAL40", user: String = "u1",
               username: String? = "Cameron", airport: String? = "KLAX", server: ServerRef? = nil,
               data: [String: JSONValue] = [:]) -> FlightEvent {
        FlightEvent(id: "evt", type: type, at: t0, server: server ?? expert, flightId: flight, userId: user,
                    username: username, callsign: callsign, airport: airport, data: data)
    }

    @Test("each target kind finds its events")
    func targets() {
        let m = Matcher([
            sub("flight", .flight, "F1"),
            sub("exact", .callsign, "dal40"),
            sub("prefix", .callsign, "DAL*"),
            sub("suffix", .callsign, "*40"),
            sub("other", .callsign, "BAW*"),
            sub("user", .user, "u1"),
            sub("username", .user, "cameron"),
            sub("airport", .airport, "klax"),
            sub("server", .server, "Expert Server"),
        ])
        let got = Set(m.match(event(.takeoff)))
        #expect(got == ["flight", "exact", "prefix", "suffix", "user", "username", "airport", "server"])
    }

    @Test("event types filter; defaults depend on the target kind")
    func eventTypes() {
        let m = Matcher([
            sub("landings", .callsign, "DAL40", events: [.landing]),
            sub("airport", .airport, "KLAX"),
        ])
        #expect(m.match(event(.takeoff)) == ["airport"])
        #expect(Set(m.match(event(.landing))) == ["landings", "airport"])
        // plan_filed is not an airport default.
        #expect(m.match(event(.planFiled)) == [])
    }

    @Test("server restriction by name or id")
    func serverRestriction() {
        let m = Matcher([
            sub("byName", .callsign, "DAL40", server: "expert server"),
            sub("byId", .callsign, "DAL40", server: casual.id),
        ])
        #expect(m.match(event(.takeoff, server: expert)) == ["byName"])
        #expect(m.match(event(.takeoff, server: casual)) == ["byId"])
    }

    @Test("disabled, removed and expired subscriptions do not match")
    func lifecycle() {
        var m = Matcher([sub("a", .flight, "f1"), sub("b", .flight, "f1", status: .disabled),
                         sub("c", .flight, "f1", expires: t0.addingTimeInterval(-1))])
        #expect(m.match(event(.landing)) == ["a"])
        m.remove(id: "a")
        #expect(m.match(event(.landing)) == [])
        #expect(m.count == 1)  // c is indexed but expired
        m.insert(sub("a", .flight, "f2"))
        #expect(m.match(event(.landing, flight: "f2")) == ["a"])
    }

    @Test("a diversion reaches both the old and the new destination airports")
    func diversion() {
        let m = Matcher([sub("old", .airport, "KLAX"), sub("new", .airport, "KSFO"), sub("x", .airport, "EGLL")])
        let e = event(.diverted, airport: "KSFO", data: ["previousDestination": "KLAX", "destination": "KSFO"])
        #expect(Set(m.match(e)) == ["old", "new"])
    }

    @Test("replacing a prefix pattern updates the probe lengths")
    func prefixBookkeeping() {
        var m = Matcher([sub("p", .callsign, "DA*")])
        #expect(m.match(event(.takeoff)) == ["p"])
        m.insert(sub("p", .callsign, "BAW1*"))
        #expect(m.match(event(.takeoff)) == [])
        #expect(m.match(event(.takeoff, callsign: "BAW117")) == ["p"])
    }
}
