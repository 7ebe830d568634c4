import Foundation
import SquawkHTTP
import SquawkLiveAPI
import SquawkTesting
import Testing

@Suite("errorCode, HTTP status and transport failures become LiveAPIError")
struct LiveAPIErrorTests {
    static let codes: [(Int, LiveAPIError.Code)] = [
        (1, .userNotFound), (2, .missingRequestParameters), (3, .endpointError), (4, .notAuthorized),
        (5, .serverNotFound), (6, .flightNotFound), (7, .noAtisAvailable), (42, .unknown(42)), (-1, .unknown(-1)),
    ]

    @Test("HTTP 200 with a non-zero errorCode is an error", arguments: codes)
    func errorCodeWithHTTP200(_ raw: Int, _ expected: LiveAPIError.Code) async {
        let client = FakeLiveAPI.client(FakeLiveAPI.answering(json: #"{"errorCode":\#(raw),"result":null}"#))
        let error = await liveAPIError { try await client.flights(session: "s") }
        #expect(error?.code == expected)
        #expect(error?.status == 200)
        #expect(error?.endpoint == "/public/v2/sessions/s/flights")
        #expect(expected.errorCode == raw)
    }

    @Test("the error body's result may be missing or of another shape")
    func errorBodyShapes() async {
        for body in [#"{"errorCode":6}"#, #"{"errorCode":6,"result":"nope"}"#, #"{"result":{},"errorCode":6}"#] {
            let client = FakeLiveAPI.client(FakeLiveAPI.answering(json: body))
            let error = await liveAPIError { try await client.flightPlan(session: "s", flight: "f") }
            #expect(error?.code == .flightNotFound, "\(body)")
        }
    }

    @Test("a non-2xx status with an errorCode body keeps the API's code")
    func errorCodeWithErrorStatus() async {
        let client = FakeLiveAPI.client(FakeLiveAPI.answering(status: 401, json: #"{"errorCode":4,"result":null}"#))
        let error = await liveAPIError { try await client.sessions() }
        #expect(error?.code == .notAuthorized)
        #expect(error?.status == 401)
    }

    @Test("a non-2xx status without an errorCode is httpStatus", arguments: [404, 500, 502, 301])
    func plainHTTPError(_ status: Int) async {
        let client = FakeLiveAPI.client(FakeLiveAPI.answering(status: status, json: "<html>Bad Gateway</html>"))
        let error = await liveAPIError { try await client.sessions() }
        #expect(error?.code == .httpStatus(status))
        #expect(error?.isTransient == (status >= 500))
    }

    // MARK: - ATIS

    @Test("NoAtisAvailable on the ATIS endpoint is no ATIS, not an error")
    func noAtisIsNil() async throws {
        let client = FakeLiveAPI.client(FakeLiveAPI.answering(json: #"{"errorCode":7,"result":null}"#))
        let atis = try await client.atis(session: "s", airport: "EGLL")
        #expect(atis == nil)
    }

    @Test("a null ATIS result is no ATIS")
    func nullAtisIsNil() async throws {
        let client = FakeLiveAPI.client(FakeLiveAPI.answering(json: #"{"errorCode":0,"result":null}"#))
        #expect(try await client.atis(session: "s", airport: "EGLL") == nil)
    }

    @Test("other errors on the ATIS endpoint still throw")
    func atisServerNotFound() async {
        let client = FakeLiveAPI.client(FakeLiveAPI.answering(json: #"{"errorCode":5,"result":null}"#))
        let error = await liveAPIError { try await client.atis(session: "s", airport: "EGLL") }
        #expect(error?.code == .serverNotFound)
    }

    // MARK: - 429

    @Test("429 with Retry-After in seconds")
    func rateLimitedSeconds() async {
        let client = FakeLiveAPI.client(FakeLiveAPI.answering(status: 429, json: "", headers: [("retry-after", "12")]))
        let error = await liveAPIError { try await client.flights(session: "s") }
        #expect(error?.code == .rateLimited(retryAfter: .seconds(12)))
        #expect(error?.retryAfter == .seconds(12))
        #expect(error?.isTransient == true)
    }

    @Test("429 with Retry-After as an HTTP-date, measured from the client's now")
    func rateLimitedDate() async {
        let transport = FakeLiveAPI.answering(status: 429, json: "", headers: [("retry-after", "Tue, 14 Nov 2023 22:14:05 GMT")])
        let error = await liveAPIError { try await FakeLiveAPI.client(transport).flights(session: "s") }
        #expect(error?.retryAfter == .seconds(45))
    }

    @Test("429 without Retry-After")
    func rateLimitedNoHeader() async {
        let client = FakeLiveAPI.client(FakeLiveAPI.answering(status: 429, json: #"{"errorCode":0}"#))
        let error = await liveAPIError { try await client.sessions() }
        #expect(error?.code == .rateLimited(retryAfter: Duration?.none))
    }

    // MARK: - Our side

    @Test("a body that is not the promised JSON is a decoding error")
    func decoding() async {
        for body in ["not json", #"{"errorCode":0}"#, #"{"errorCode":0,"result":[{"id":1}]}"#, #"{"result":[]}"#] {
            let client = FakeLiveAPI.client(FakeLiveAPI.answering(json: body))
            let error = await liveAPIError { try await client.sessions() }
            #expect(error?.code == .decoding, "\(body)")
        }
    }

    @Test("transport failures keep their kind", arguments: [
        HTTPTransportError.Kind.timeout, .connectFailed, .bodyTooLarge, .cancelled, .tls,
    ])
    func transport(_ kind: HTTPTransportError.Kind) async {
        let client = FakeLiveAPI.client(FakeTransport { _ in throw HTTPTransportError(kind, "simulated") })
        let error = await liveAPIError { try await client.sessions() }
        #expect(error?.code == .transport(kind))
        #expect(error?.message == "simulated")
    }

    @Test("a foreign error from a transport is transport(.other); CancellationError is cancelled")
    func foreignErrors() async {
        struct Weird: Error {}
        let weird = FakeLiveAPI.client(FakeTransport { _ in throw Weird() })
        #expect(await liveAPIError { try await weird.sessions() }?.code == .transport(.other))
        let cancelled = FakeLiveAPI.client(FakeTransport { _ in throw CancellationError() })
        #expect(await liveAPIError { try await cancelled.sessions() }?.code == .transport(.cancelled))
    }
}
