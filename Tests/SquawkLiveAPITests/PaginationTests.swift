import Foundation
import SquawkHTTP
import SquawkLiveAPI
import SquawkTesting
import Testing

@Suite("Logbook pagination as an AsyncSequence of pages")
struct PaginationTests {
    /// A logbook of `pages` pages of `perPage` flights; flight ids are `flight-<page>-<n>`.
    static func logbook(pages: Int, perPage: Int = 4, failOn: Int? = nil) -> FakeTransport {
        FakeTransport { request in
            let query = URLComponents(string: request.url)?.queryItems ?? []
            let page = Int(query.first { $0.name == "page" }?.value ?? "") ?? 0
            if page == failOn {
                return HTTPResponse(status: 429, headers: [("retry-after", "7")])
            }
            guard (1...pages).contains(page) else {
                return HTTPResponse(status: 200, body: Array(#"{"errorCode":2,"result":null}"#.utf8))
            }
            let flights = (0..<perPage).map { n in
                """
                {"id":"flight-\(page)-\(n)","created":"2022-01-10T10:37:41.965626","userId":"u","aircraftId":"a",
                 "liveryId":null,"callsign":"VH-KAI","server":"Casual Server","dayTime":1,"nightTime":0,
                 "totalTime":1,"landingCount":1,"originAirport":"YTYA","destinationAirport":null,"xp":25}
                """
            }
            let body = """
                {"errorCode":0,"result":{"pageIndex":\(page),"totalPages":\(pages),"totalCount":\(pages * perPage),
                 "hasPreviousPage":\(page > 1),"hasNextPage":\(page < pages),"data":[\(flights.joined(separator: ","))]}}
                """
            return HTTPResponse(status: 200, body: Array(body.utf8))
        }
    }

    @Test("walks every page of a 3-page logbook, sees every entry once, stops at the last")
    func walksAllPages() async throws {
        let transport = Self.logbook(pages: 3)
        var ids: [String] = []
        var indices: [Int] = []
        for try await page in FakeLiveAPI.client(transport).userFlightPages(user: "user 1") {
            indices.append(page.pageIndex)
            ids += page.data.map(\.id)
        }
        #expect(indices == [1, 2, 3])
        #expect(ids.count == 12)
        #expect(Set(ids).count == 12)
        #expect(Set(ids) == Set((1...3).flatMap { p in (0..<4).map { "flight-\(p)-\($0)" } }))
        #expect(transport.requests.count == 3, "no request for a page 4")
        #expect(transport.requests.map { URLComponents(string: $0.url)?.query } == ["page=1", "page=2", "page=3"])
        #expect(transport.requests.allSatisfy { pathOf($0.url) == "/public/v2/users/user%201/flights" })
    }

    @Test("a single page is one request")
    func singlePage() async throws {
        let transport = Self.logbook(pages: 1)
        var count = 0
        for try await page in FakeLiveAPI.client(transport).userFlightPages(user: "u") {
            count += page.data.count
        }
        #expect(count == 4)
        #expect(transport.requests.count == 1)
    }

    @Test("reading stops fetching: breaking after page 1 costs one request")
    func lazy() async throws {
        let transport = Self.logbook(pages: 3)
        for try await _ in FakeLiveAPI.client(transport).userFlightPages(user: "u") { break }
        #expect(transport.requests.count == 1)
    }

    @Test("an error on a later page ends the sequence with that error")
    func errorMidway() async {
        let transport = Self.logbook(pages: 3, failOn: 2)
        var pages = 0
        do {
            for try await _ in FakeLiveAPI.client(transport).userFlightPages(user: "u") { pages += 1 }
            Issue.record("expected rate limiting on page 2")
        } catch {
            #expect(error.retryAfter == .seconds(7))
        }
        #expect(pages == 1)
    }

    @Test("a page claiming more but empty ends the walk")
    func emptyPageWithNext() async throws {
        let transport = FakeTransport { _ in
            HTTPResponse(status: 200, body: Array(#"{"errorCode":0,"result":{"pageIndex":1,"totalPages":9,"totalCount":0,"hasPreviousPage":false,"hasNextPage":true,"data":[]}}"#.utf8))
        }
        var pages = 0
        for try await _ in FakeLiveAPI.client(transport).userATCSessionPages(user: "u") { pages += 1 }
        #expect(pages == 1)
        #expect(transport.requests.count == 1)
    }

    @Test("ATC session pages walk the same way")
    func atcPages() async throws {
        let sample = try JSONSerialization.jsonObject(with: Data(try Fixtures.bytes("user_atc_session.json")))
        let result = try #require((sample as? [String: Any])?["result"])
        let entry = String(decoding: try JSONSerialization.data(withJSONObject: result), as: UTF8.self)
        let transport = FakeTransport { request in
            let page = request.url.hasSuffix("page=1") ? 1 : 2
            let body = #"{"errorCode":0,"result":{"pageIndex":\#(page),"totalPages":2,"totalCount":2,"hasPreviousPage":\#(page == 2),"hasNextPage":\#(page == 1),"data":[\#(entry)]}}"#
            return HTTPResponse(status: 200, body: Array(body.utf8))
        }
        var sessions: [UserAtcSession] = []
        for try await page in FakeLiveAPI.client(transport).userATCSessionPages(user: "u") { sessions += page.data }
        #expect(sessions.count == 2)
        #expect(sessions.first?.facility.airportIcao == "VRMM")
        #expect(transport.requests.count == 2)
    }
}
