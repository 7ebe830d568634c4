import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SquawkCore
import SquawkServer
import SquawkStore
import Testing

@Suite("FLIFO-compatible route")
struct FlifoRouteTests {
    static let expert = ServerRef(id: "7e5dcd44-1fb5-49cc-bc2c-a9aab1f6a856", name: "Expert Server")
    static let dal40 = LiveFlightView(
        server: expert,
        flight: FlightSample(flightId: "348d1ba8-1e60-48ca-8278-42f019147de8", userId: "3f8b28bf-bbb1-4024-80ae-2a0ea9b30685",
                             callsign: "Delta 40 Heavy", latitude: 35.1, longitude: -110.2, altitude: 36000, speed: 480,
                             lastReport: Date(timeIntervalSince1970: 1_700_000_000)),
        plan: FlightPlanSummary(origin: "KLAX", destination: "KJFK", waypoints: ["KLAX", "KJFK"]), airborne: true)

    /// The FLIFO error item of a response: (code, description, whole item).
    static func flifoError(_ r: TestResponse) throws -> [String: Any] {
        let o = try r.object()
        #expect(o["success"] as? Bool == false)
        let errors = try #require((o["errors"] as? [String: Any])?["error"] as? [[String: Any]])
        return try #require(errors.first)
    }

    func run(_ uri: String, flights: any LiveFlightDirectory = StaticFlightDirectory([FlifoRouteTests.dal40]),
             _ check: @escaping @Sendable (TestResponse) throws -> Void) async throws -> APIHarness {
        let h = try await APIHarness(flights: flights)
        try await h.app.test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: APIHarness.headers(), body: nil) { try check($0) }
        }
        return h
    }

    @Test("answers a FlightRecord for DL 40 departing LAX (callsign Delta 40 Heavy)")
    func found() async throws {
        _ = try await run("/flifo/v3/flight/LAX/DL/40/D?operationDate=2026-11-23") { r in
            #expect(r.status == .ok)
            let o = try r.object()
            #expect(o["success"] as? Bool == true)
            #expect(o["subscribedForUpdates"] as? Bool == false)
            #expect(o["flightDate"] as? String == "2026-11-23")
            let record = try #require((o["flightRecord"] as? [[String: Any]])?.first)
            #expect(record["status"] as? String == "DP")
            #expect(record["statusText"] as? String == "Departed")
            #expect(record["airportCode"] as? String == "JFK")
            #expect(record["city"] as? String == "New York")
            #expect(record["estimated"] == nil, "no departure time is known")
            #expect((record["operatingCarrier"] as? [String: Any])?["airline"] as? String == "Delta Air Lines")
        }
    }

    @Test("an arrival record names the origin's city and estimates the arrival from distance and ground speed")
    func arrival() async throws {
        _ = try await run("/flifo/v3/flight/JFK/DL/40/A") { r in
            #expect(r.status == .ok)
            let o = try r.object()
            #expect(o["adi"] as? String == "A" && o["airportCode"] as? String == "JFK")
            let record = try #require((o["flightRecord"] as? [[String: Any]])?.first)
            #expect(record["airportCode"] as? String == "LAX")
            #expect(record["city"] as? String == "Los Angeles")
            // 35.1 N 110.2 W to KJFK is 1,745 nm: at 480 kt, 3 h 38 min after the 22:13:20 report.
            #expect(record["estimated"] as? String == "2023-11-15T01:51:28+0000")
        }
    }

    @Test("subscribeForUpdates creates a flifo subscription to the flight")
    func subscribe() async throws {
        let h = try await run("/flifo/v3/flight/LAX/DL/40/d?subscribeForUpdates=true&notifyEndpoint=https://my.endpoint.example/updates") { r in
            #expect(r.status == .ok)
            let subscribed = try r.object()["subscribedForUpdates"] as? Bool; #expect(subscribed == true)
        }
        let page = try await h.store.list(SubscriptionQuery(ownerKeyId: "admin"))
        let sub = try #require(page.items.first)
        #expect(sub.format == .flifo)
        #expect(sub.target == SubscriptionTarget(kind: .flight, id: FlifoRouteTests.dal40.flight.flightId))
    }

    @Test("2027: notifyEndpoint over 256 characters")
    func tooLong() async throws {
        let long = "https://my.endpoint.example/" + String(repeating: "g", count: 240)
        let h = try await run("/flifo/v3/flight/LAX/DL/40/D?subscribeForUpdates=true&notifyEndpoint=\(long)") { r in
            #expect(r.status == .badRequest)
            let e = try Self.flifoError(r)
            #expect(e["code"] as? Int == 2027)
            #expect(e["notifyEndpoint"] as? String == long)
        }
        #expect(try await h.store.count() == 0)
    }

    @Test("9999: updates requested without an endpoint")
    func endpointRequired() async throws {
        _ = try await run("/flifo/v3/flight/LAX/DL/40/D?subscribeForUpdates=true") { r in
            #expect(r.status == .badRequest)
            let e = try Self.flifoError(r)
            #expect(e["code"] as? String == "9999")
            #expect(e.keys.contains("notifyEndpoint"))
        }
    }

    @Test("2020 unknown airport, 2019 unknown airline, 1001 no flight, 1003 no data yet")
    func notFound() async throws {
        _ = try await run("/flifo/v3/flight/ZZZ/DL/40/D") { r in
            #expect(r.status == .notFound)
            let e = try Self.flifoError(r)
            #expect(e["code"] as? String == "2020")
            #expect(e["airportCode"] as? String == "ZZZ")
        }
        _ = try await run("/flifo/v3/flight/LAX/XS/40/D") { r in
            #expect(r.status == .notFound)
            let e = try Self.flifoError(r)
            #expect(e["code"] as? String == "2019")
            #expect(e["airlineCode"] as? String == "XS")
        }
        _ = try await run("/flifo/v3/flight/LAX/DL/41/D") { r in
            #expect(r.status == .notFound)
            let code = try Self.flifoError(r)["code"] as? String; #expect(code == "1001")
        }
        // DL40 arrives at JFK, it does not depart from it.
        _ = try await run("/flifo/v3/flight/JFK/DL/40/D") { r in
            let code = try Self.flifoError(r)["code"] as? String; #expect(code == "1001")
        }
        _ = try await run("/flifo/v3/flight/JFK/DL/40/A") { r in #expect(r.status == .ok) }
        _ = try await run("/flifo/v3/flight/LAX/DL/40/D", flights: EmptyFlightDirectory()) { r in
            #expect(r.status == .notFound)
            let code = try Self.flifoError(r)["code"] as? String; #expect(code == "1003")
        }
    }

    @Test("JSONP callback: a safe identifier wraps the answer, anything else is refused")
    func jsonp() async throws {
        _ = try await run("/flifo/v3/flight/LAX/DL/40/D?callback=handleFlight") { r in
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "application/javascript")
            let text = String(buffer: r.body)
            #expect(text.hasPrefix("/**/handleFlight({") && text.hasSuffix("});"))
        }
        _ = try await run("/flifo/v3/flight/LAX/DL/40/D?callback=alert(1)//") { r in
            #expect(r.status == .badRequest)
            #expect(r.headers[.contentType] == "application/json")
            let code = try Self.flifoError(r)["code"] as? String; #expect(code == "callback_invalid")
        }
    }
}
