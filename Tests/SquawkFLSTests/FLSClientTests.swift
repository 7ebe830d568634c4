import Foundation
import SquawkHTTP
import SquawkTesting
import Testing
@testable import SquawkFLS

/// The client against a fake transport: the password grant, the bearer token's life, the two
/// endpoints, and errors that never carry a secret.
@Suite("FLS client")
struct FLSClientTests {
    static let password = "p@ss w:rd/ü"
    static let token = "tok-SECRET-123"

    static func reply(_ status: Int, _ body: String, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    /// A transport that grants `token` and answers data requests with `data`.
    static func server(tokenStatus: Int = 200, data: @escaping @Sendable (HTTPRequest) -> HTTPResponse = { _ in reply(200, "[]") }) -> FakeTransport {
        FakeTransport { request in
            if request.url.hasSuffix("/Token") {
                return tokenStatus == 200
                    ? reply(200, #"{"access_token":"\#(token)","token_type":"bearer","expires_in":3600}"#)
                    : reply(tokenStatus, #"{"error":"invalid_grant","error_description":"The user name or password is incorrect."}"#)
            }
            return data(request)
        }
    }

    static func client(_ t: FakeTransport, now: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_800_000_000) }) -> FLSClient {
        FLSClient(baseURL: "https://fls.example.org/", username: "club user", password: password, transport: t, now: now)
    }

    @Test("the token request is a form-encoded password grant; data requests carry the bearer token")
    func passwordGrant() async throws {
        let t = Self.server()
        let c = Self.client(t)
        #expect(c.needsToken)
        #expect(try await c.authenticateIfNeeded())
        #expect(!c.needsToken)
        #expect(try await !c.authenticateIfNeeded(), "a held token is reused")
        _ = try await c.modifiedFlights(since: Date(timeIntervalSince1970: 1_751_601_385))
        let sent = t.requests
        #expect(sent.count == 2)
        #expect(sent[0].method == .post && sent[0].url == "https://fls.example.org/Token")
        #expect(sent[0].headers.contains { $0 == ("Content-Type", "application/x-www-form-urlencoded") })
        #expect(String(decoding: sent[0].body ?? [], as: UTF8.self) == "grant_type=password&username=club+user&password=p%40ss+w%3Ard%2F%C3%BC")
        #expect(sent[1].url == "https://fls.example.org/api/v1/flights/exchange/modified/2025-07-04T03:56:25Z")
        #expect(sent[1].headers.contains { $0 == ("Authorization", "Bearer \(Self.token)") })
    }

    @Test("the token is renewed a minute before it expires")
    func expiry() async throws {
        final class Clock: @unchecked Sendable { let lock = NSLock(); var t = Date(timeIntervalSince1970: 1_800_000_000) }
        let clock = Clock()
        let c = Self.client(Self.server(), now: { clock.lock.withLock { clock.t } })
        try await c.authenticateIfNeeded()
        clock.lock.withLock { clock.t = clock.t.addingTimeInterval(3_500) }
        #expect(!c.needsToken)
        clock.lock.withLock { clock.t = clock.t.addingTimeInterval(60) }
        #expect(c.needsToken)
    }

    @Test("refused credentials: badCredentials, and neither the password nor a token in the error")
    func badCredentials() async throws {
        let c = Self.client(Self.server(tokenStatus: 400))
        await #expect { try await c.authenticateIfNeeded() } throws: { error in
            guard let e = error as? FLSError, e.code == .badCredentials else { return false }
            let text = "\(e) \(c)"
            return !text.contains(Self.password) && !text.contains("p@ss") && text.contains("/Token")
        }
    }

    @Test("a 401 on a data request drops the token, so the next poll fetches a new one")
    func unauthorized() async throws {
        let c = Self.client(Self.server { _ in Self.reply(401, #"{"Message":"Authorization has been denied for this request."}"#) })
        try await c.authenticateIfNeeded()
        await #expect { _ = try await c.flight(id: "ba96b0f3-024b-4b3f-88c6-a8c6da53e915") } throws: { error in
            (error as? FLSError)?.code == .unauthorized && !"\(error)".contains(Self.token)
        }
        #expect(c.needsToken)
    }

    @Test("without a token a data request fails before sending anything")
    func noToken() async {
        let t = Self.server()
        await #expect(throws: FLSError.self) { _ = try await Self.client(t).modifiedFlights(since: Date()) }
        #expect(t.requests.isEmpty)
    }

    @Test("GET flights/{id}: decodes; 404 is notFound; a non-UUID id is refused before sending")
    func flightById() async throws {
        let sample = try String(contentsOf: #require(Bundle.module.url(forResource: "flight-details", withExtension: "json", subdirectory: "Fixtures")), encoding: .utf8)
        let t = Self.server { r in r.url.hasSuffix("ba96b0f3-024b-4b3f-88c6-a8c6da53e915") ? Self.reply(200, sample) : Self.reply(404, #"{"Message":"No flight"}"#) }
        let c = Self.client(t)
        try await c.authenticateIfNeeded()
        let d = try await c.flight(id: "BA96B0F3-024B-4B3F-88C6-A8C6DA53E915")
        #expect(d.legs.count == 3)
        await #expect { _ = try await c.flight(id: "00000000-0000-0000-0000-000000000000") } throws: { ($0 as? FLSError)?.code == .notFound }
        await #expect { _ = try await c.flight(id: "../Token") } throws: { ($0 as? FLSError)?.code == .invalidRequest }
        #expect(t.requests.count == 3, "token + two lookups; the bad id was never sent")
    }

    @Test("modified feed: the server's Date header is returned; reference-only elements have no legs")
    func modifiedFeed() async throws {
        let t = Self.server { _ in
            Self.reply(200, #"[{"FlightId":"A1","GliderFlightDetailsData":{"StartDateTime":"2025-07-04T05:56:25+02:00"}},{"FlightId":"B2"}]"#,
                       headers: [("date", "Wed, 02 Dec 2026 04:02:42 GMT")])
        }
        let c = Self.client(t)
        try await c.authenticateIfNeeded()
        let reply = try await c.modifiedFlights(since: Date())
        #expect(reply.flights.map(\.key) == ["a1", "b2"])
        #expect(reply.flights.map(\.legs.count) == [1, 0])
        #expect(reply.serverDate == Date(timeIntervalSince1970: 1_796_184_162))
    }

    @Test("429 with Retry-After; other statuses; invalid JSON names where")
    func failures() async throws {
        let t = Self.server { r in
            if r.url.contains("modified") { return Self.reply(429, "", headers: [("retry-after", "42")]) }
            if r.url.hasSuffix("1") { return Self.reply(500, "oops") }
            return Self.reply(200, #"{"GliderFlightDetailsData": {"NrOfLdgs": "two"}}"#)
        }
        let c = Self.client(t)
        try await c.authenticateIfNeeded()
        await #expect { _ = try await c.modifiedFlights(since: Date()) } throws: { ($0 as? FLSError)?.code == .rateLimited(retryAfter: 42) }
        await #expect { _ = try await c.flight(id: "00000000-0000-0000-0000-000000000001") } throws: { ($0 as? FLSError)?.code == .httpStatus(500) }
        await #expect { _ = try await c.flight(id: "00000000-0000-0000-0000-000000000002") } throws: { error in
            guard let e = error as? FLSError else { return false }
            return e.code == .decoding && e.message.contains("NrOfLdgs") && e.path == "/api/v1/flights/{flightId}"
        }
    }

    @Test("transport failures become FLSError.transport")
    func transport() async throws {
        let t = FakeTransport { _ in throw HTTPTransportError(.connectFailed, "refused") }
        await #expect { try await Self.client(t).authenticateIfNeeded() } throws: { ($0 as? FLSError)?.code == .transport(.connectFailed) }
    }
}
