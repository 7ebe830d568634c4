import Foundation
import SquawkHTTP
import SquawkLiveAPI
import SquawkTesting
import Testing

/// One seed sample and the client call that must decode it.
struct FixtureCase: Sendable, CustomTestStringConvertible {
    var file: String
    var method: HTTPMethod = .get
    /// The request path the call must produce.
    var path: String
    /// The fixture whose key paths the re-encoded result is compared with (differs only for
    /// the array-shaped flight plan, which re-encodes as the object form).
    var keysFrom: String?
    /// Keys newer than the seeds that the model writes although the sample lacks them.
    var newerKeys: Set<String> = []
    var call: @Sendable (LiveAPIClient) async throws -> any Encodable & Sendable

    var testDescription: String { file }

    static let s = "89573c7f-d398-4281-bcc0-3e9b7f6b8492"
    static let f = "0b8cc273-d97d-4223-afac-907d09d8ca8b"
    static let u = "b0018209-e010-40a0-afe1-00ecd5856c5e"

    static let all: [FixtureCase] = [
        .init(file: "sessions.json", path: "/public/v2/sessions") { try await $0.sessions() },
        .init(file: "flights.json", path: "/public/v2/sessions/\(s)/flights", newerKeys: ["result[].pilotState"]) {
            try await $0.flights(session: s)
        },
        .init(file: "flights_pilot_state.json", path: "/public/v2/sessions/\(s)/flights") { try await $0.flights(session: s) },
        .init(file: "route.json", path: "/public/v2/sessions/\(s)/flights/\(f)/route") { try await $0.route(session: s, flight: f) },
        .init(file: "flight_plan.json", path: "/public/v2/sessions/\(s)/flights/\(f)/flightplan") {
            try await $0.flightPlan(session: s, flight: f)
        },
        .init(file: "flight_plan_array.json", path: "/public/v2/sessions/\(s)/flights/\(f)/flightplan", keysFrom: "flight_plan.json") {
            try await $0.flightPlan(session: s, flight: f)
        },
        .init(file: "atc.json", path: "/public/v2/sessions/\(s)/atc") { try await $0.atc(session: s) },
        .init(file: "user_stats.json", method: .post, path: "/public/v2/users") {
            try await $0.userStats(userIds: ["2a11e620-1cc1-4ac6-90d1-18c4ed9cb913"], discourseNames: ["KaiM"])
        },
        .init(file: "user_grade.json", path: "/public/v2/users/\(u)") { try await $0.userGrade(user: u) },
        .init(file: "atis.json", path: "/public/v2/sessions/\(s)/airport/EGCC/atis") { try await $0.atis(session: s, airport: "EGCC") },
        .init(file: "airport_status.json", path: "/public/v2/sessions/\(s)/airport/VTBS/status") {
            try await $0.airportStatus(session: s, airport: "VTBS")
        },
        .init(file: "world.json", path: "/public/v2/sessions/\(s)/world") { try await $0.world(session: s) },
        .init(file: "tracks.json", path: "/public/v2/tracks") { try await $0.tracks() },
        .init(file: "user_flights.json", path: "/public/v2/users/\(u)/flights") { try await $0.userFlights(user: u, page: 1) },
        .init(file: "user_flight.json", path: "/public/v2/users/\(u)/flights/\(f)") { try await $0.userFlight(user: u, flight: f) },
        .init(file: "user_atc_sessions.json", path: "/public/v2/users/\(u)/atc") { try await $0.userATCSessions(user: u, page: 1) },
        .init(file: "user_atc_session.json", path: "/public/v2/users/\(u)/atc/\(f)") { try await $0.userATCSession(user: u, session: f) },
        .init(file: "notams.json", path: "/public/v2/sessions/\(s)/notams") { try await $0.notams(session: s) },
        .init(file: "aircraft.json", path: "/public/v2/aircraft") { try await $0.aircraft() },
        .init(file: "aircraft_liveries.json", path: "/public/v2/aircraft/\(f)/liveries") { try await $0.liveries(aircraft: f) },
        .init(file: "all_liveries.json", path: "/public/v2/aircraft/liveries") { try await $0.allLiveries() },
    ]
}

/// Re-encodes a decoded result inside the API's envelope.
private struct Reencoded: Encodable {
    var result: any Encodable & Sendable
    enum CodingKeys: String, CodingKey { case errorCode, result }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(0, forKey: .errorCode)
        try c.encode(result, forKey: .result)
    }
}

@Suite("Every seed sample decodes, and nothing in it is dropped")
struct FixtureDecodingTests {
    @Test("every fixture file has a case")
    func everyFixtureCovered() throws {
        let covered = Set(FixtureCase.all.map(\.file))
        #expect(try Fixtures.jsonFiles() == covered)
        #expect(covered.count == 21)
    }

    @Test("decodes through the client, on the documented method and path", arguments: FixtureCase.all)
    func decodes(_ fixture: FixtureCase) async throws {
        let transport = FakeLiveAPI.answering(body: try Fixtures.bytes(fixture.file))
        _ = try await fixture.call(FakeLiveAPI.client(transport))
        let request = try #require(transport.requests.first)
        #expect(transport.requests.count == 1)
        #expect(request.method == fixture.method)
        #expect(pathOf(request.url) == fixture.path)
    }

    @Test("re-encoding keeps every key path of the sample", arguments: FixtureCase.all)
    func noKeyDropped(_ fixture: FixtureCase) async throws {
        let transport = FakeLiveAPI.answering(body: try Fixtures.bytes(fixture.file))
        let value = try await fixture.call(FakeLiveAPI.client(transport))
        let encoded = try LiveAPIDate.makeEncoder().encode(Reencoded(result: value))

        let sample = try JSONPaths.keyPaths(Data(try Fixtures.bytes(fixture.keysFrom ?? fixture.file)))
        let reencoded = try JSONPaths.keyPaths(encoded)
        let missing = sample.subtracting(reencoded)
        let extra = reencoded.subtracting(sample).subtracting(fixture.newerKeys)
        #expect(missing.isEmpty, "dropped: \(missing.sorted())")
        #expect(extra.isEmpty, "invented: \(extra.sorted())")
    }

    @Test("re-encoding keeps every value of the sample (timestamps as instants)", arguments: FixtureCase.all)
    func noValueChanged(_ fixture: FixtureCase) async throws {
        let transport = FakeLiveAPI.answering(body: try Fixtures.bytes(fixture.file))
        let value = try await fixture.call(FakeLiveAPI.client(transport))
        let encoded = try LiveAPIDate.makeEncoder().encode(Reencoded(result: value))

        let sample = try JSONPaths.leaves(Data(try Fixtures.bytes(fixture.keysFrom ?? fixture.file)))
        let reencoded = try JSONPaths.leaves(encoded)
        for (path, expected) in sample {
            let actual = reencoded[path]
            switch (expected, actual) {
            case (is NSNull, is NSNull):
                continue
            case (let e as String, let a as String):
                if let de = LiveAPIDate.parse(e), let da = LiveAPIDate.parse(a) {
                    #expect(abs(de.timeIntervalSince1970 - da.timeIntervalSince1970) < 1e-6, "\(path): \(e) vs \(a)")
                } else {
                    #expect(e == a, "\(path)")
                }
            case (let e as NSNumber, let a as NSNumber):
                #expect(e.doubleValue == a.doubleValue, "\(path): \(e) vs \(a)")
            case (let e as [Any], let a as [Any]) where e.isEmpty:
                #expect(a.isEmpty, "\(path)")
            default:
                Issue.record("\(path): sample \(expected), re-encoded \(String(describing: actual))")
            }
        }
    }
}

// MARK: - Spot checks of decoded values

@Suite("Decoded sample values")
struct DecodedValueTests {
    private func client(_ file: String) throws -> LiveAPIClient {
        FakeLiveAPI.client(FakeLiveAPI.answering(body: try Fixtures.bytes(file)))
    }

    @Test func flights() async throws {
        let flights = try await client("flights.json").flights(session: "s")
        let f = try #require(flights.first)
        #expect(f.callsign == "EC-CAM")
        #expect(f.username == "Cameron")
        #expect(f.virtualOrganization == "IFATC [IFATC]")
        #expect(f.heading == 159.33542)
        #expect(f.lastReport.timeIntervalSince1970 == 1_601_599_579)
        #expect(f.pilotState == nil)
    }

    @Test func flightsWithPilotStateAndNulls() async throws {
        let flights = try await client("flights_pilot_state.json").flights(session: "s")
        #expect(flights.map(\.pilotState) == [1, 0])
        #expect(flights[1].username == nil)
        #expect(flights[1].virtualOrganization == nil)
    }

    @Test func flightPlanBothShapes() async throws {
        let object = try await client("flight_plan.json").flightPlan(session: "s", flight: "f")
        let array = try await client("flight_plan_array.json").flightPlan(session: "s", flight: "f")
        #expect(object == array)
        #expect(object.flightPlanItems.count == 2)
        #expect(object.flightPlanItems[0].children == nil)
        #expect(object.flightPlanItems[0].identifier == nil)
        #expect(object.flightPlanItems[1].children?.map(\.name) == ["ZESTY", "RW12R"])
        #expect(object.flightPlanItems[1].children?[0].altitude == 4000)
        #expect(object.lastUpdate.timeIntervalSince1970 == 1_609_947_304)
    }

    @Test func emptyFlightPlanArrayIsADecodingError() async throws {
        let c = FakeLiveAPI.client(FakeLiveAPI.answering(json: #"{"errorCode":0,"result":[]}"#))
        let error = await liveAPIError { try await c.flightPlan(session: "s", flight: "f") }
        #expect(error?.code == .decoding)
    }

    @Test func atcCenterHasNoAirport() async throws {
        let json = #"{"errorCode":0,"result":[{"frequencyId":"a","userId":"u","username":null,"virtualOrganization":null,"airportName":null,"type":6,"latitude":1.5,"longitude":2.5,"startTime":"2020-10-02 15:47:25Z"}]}"#
        let atc = try await FakeLiveAPI.client(FakeLiveAPI.answering(json: json)).atc(session: "s")
        #expect(atc.first?.airportName == nil)
        #expect(atc.first?.type == 6)
    }

    @Test func userStats() async throws {
        let stats = try await client("user_stats.json").userStats(userIds: ["x"])
        #expect(stats.count == 2)
        #expect(stats[0].atcRank == 7)
        #expect(stats[1].atcRank == nil)
        #expect(stats[1].discourseUsername == nil)
        #expect(stats[0].violationCountByLevel == ViolationCountByLevel(level1: 102, level2: 0, level3: 0))
        #expect(stats[0].roles == [1, 2, 64])
        #expect(stats[1].groups == [])
    }

    @Test func gradeTable() async throws {
        let grade = try await client("user_grade.json").userGrade(user: "u")
        #expect(grade.gradeDetails.gradeIndex == 2)
        #expect(grade.gradeDetails.grades.count == 5)
        #expect(grade.gradeDetails.grades[grade.gradeDetails.gradeIndex].name == "Grade 3")
        #expect(grade.gradeDetails.ruleDefinitions.map(\.property).contains("totalXP"))
        #expect(grade.gradeDetails.grades[3].rules.contains { $0.state == 0 })
        #expect(grade.lastReportViolationDate.timeIntervalSince1970 == -62_135_596_800)
        #expect(abs(grade.lastLevel1ViolationDate.timeIntervalSince1970 - 1_608_088_810.283484) < 1e-6)
    }

    @Test func atisText() async throws {
        let atis = try await client("atis.json").atis(session: "s", airport: "EGCC")
        #expect(atis?.hasPrefix("Manchester Airport, ATIS information DELTA") == true)
    }

    @Test func tracksWithNullLevels() async throws {
        let tracks = try await client("tracks.json").tracks()
        #expect(tracks.first?.eastLevels == nil)
        #expect(tracks.first?.westLevels == [350, 370, 390])
        #expect(tracks.first?.path.count == 6)
    }

    @Test func logbookPageAndNotams() async throws {
        let page = try await client("user_flights.json").userFlights(user: "u")
        #expect(page.totalCount == 799)
        #expect(page.hasNextPage)
        #expect(page.data.first?.originAirport == "YTYA")
        let notams = try await client("notams.json").notams(session: "s")
        #expect(notams.first?.endTime.timeIntervalSince1970 == 4_102_504_440)
        #expect(notams.first?.icao == "VHHX")
    }

    @Test func liveriesKeepTheAPISpelling() async throws {
        let liveries = try await client("aircraft_liveries.json").liveries(aircraft: "a")
        #expect(liveries.first?.aircraftID == "710c84ae-6fdc-4c4a-ac3b-4031c3036e98")
    }
}
