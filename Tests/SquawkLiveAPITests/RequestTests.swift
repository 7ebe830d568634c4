import Foundation
import SquawkHTTP
import SquawkLiveAPI
import SquawkTesting
import Testing

@Suite("Requests: bearer auth only, encoded paths, configurable base URL")
struct RequestTests {
    /// Calls a spread of endpoints (GET, POST, paginated, error-producing) on one transport.
    private func exerciseEndpoints(_ client: LiveAPIClient) async {
        _ = try? await client.sessions()
        _ = try? await client.flights(session: "s")
        _ = try? await client.atis(session: "s", airport: "EGLL")
        _ = try? await client.userStats(userIds: ["a"], userHashes: ["f0081caa"])
        _ = try? await client.userFlights(user: "u", page: 2)
        _ = try? await client.allLiveries()
    }

    @Test("the key is sent as Authorization: Bearer and appears in no URL")
    func keyOnlyInHeader() async throws {
        let transport = FakeLiveAPI.answering(json: #"{"errorCode":0,"result":[]}"#)
        await exerciseEndpoints(FakeLiveAPI.client(transport))
        #expect(transport.requests.count == 6)
        for request in transport.requests {
            let auth = request.headers.filter { $0.name.lowercased() == "authorization" }
            #expect(auth.map(\.value) == ["Bearer \(FakeLiveAPI.key)"])
            #expect(request.headers.contains { $0.name == "Accept" && $0.value == "application/json" })
            #expect(!request.url.contains(FakeLiveAPI.key))
            #expect(!request.url.lowercased().contains("apikey"))
            #expect(!(request.body.map { String(decoding: $0, as: UTF8.self) } ?? "").contains(FakeLiveAPI.key))
        }
    }

    @Test("no error description, message or reflection contains the key")
    func errorsNeverContainTheKey() async {
        let answers: [FakeTransport] = [
            FakeLiveAPI.answering(status: 401, json: #"{"errorCode":4,"result":null}"#),
            FakeLiveAPI.answering(json: #"{"errorCode":4,"result":null}"#),
            FakeLiveAPI.answering(status: 429, json: "", headers: [("retry-after", "3")]),
            FakeLiveAPI.answering(json: "garbage"),
            FakeLiveAPI.answering(status: 500, json: ""),
            FakeTransport { _ in throw HTTPTransportError(.timeout, "operation timed out after 20000 ms") },
        ]
        for transport in answers {
            let client = FakeLiveAPI.client(transport)
            guard let error = await liveAPIError({ try await client.flights(session: "s") }) else { continue }
            for text in [String(describing: error), String(reflecting: error), error.message, error.endpoint, "\(error.code)"] {
                #expect(!text.contains(FakeLiveAPI.key), "\(text)")
            }
        }
        let invalid = await liveAPIError { try await FakeLiveAPI.client(FakeLiveAPI.answering(json: "")).userStats() }
        #expect(!String(describing: invalid).contains(FakeLiveAPI.key))
    }

    @Test("printing or dumping the client does not reveal the key")
    func clientIsRedacted() {
        let client = FakeLiveAPI.client(FakeLiveAPI.answering(json: ""))
        var dumped = ""
        dump(client, to: &dumped)
        for text in [String(describing: client), String(reflecting: client), dumped,
                     String(describing: client.apiKey), String(reflecting: client.apiKey), "\(client.apiKey)"] {
            #expect(!text.contains(FakeLiveAPI.key), "\(text)")
        }
    }

    @Test("path components are percent-encoded and cannot add segments, queries or fragments")
    func pathEncoding() async throws {
        let transport = FakeLiveAPI.answering(json: #"{"errorCode":0,"result":[]}"#)
        _ = try await FakeLiveAPI.client(transport).flights(session: "a b/../c?x=1#y%")
        let url = try #require(transport.requests.first?.url)
        #expect(url == "https://api.example.test/public/v2/sessions/a%20b%2F..%2Fc%3Fx%3D1%23y%25/flights")
        #expect(URLComponents(string: url)?.query == nil)
    }

    @Test("empty, '.' and '..' ids are refused before anything is sent", arguments: ["", ".", ".."])
    func relativeComponents(_ id: String) async {
        let transport = FakeLiveAPI.answering(json: #"{"errorCode":0,"result":[]}"#)
        let error = await liveAPIError { try await FakeLiveAPI.client(transport).flights(session: id) }
        #expect(error?.code == .invalidRequest)
        #expect(transport.requests.isEmpty)
    }

    @Test("base URL: default, loopback with trailing slash, path prefix")
    func baseURL() async throws {
        let transport = FakeLiveAPI.answering(json: #"{"errorCode":0,"result":[]}"#)
        let defaultClient = LiveAPIClient(apiKey: "k", transport: transport)
        #expect(defaultClient.baseURL == "https://api.infiniteflight.com")
        _ = try await defaultClient.tracks()
        _ = try await FakeLiveAPI.client(transport, baseURL: "http://127.0.0.1:8080/").tracks()
        // Only the URL matters here; the `[]` answer does not decode as a page.
        _ = try? await FakeLiveAPI.client(transport, baseURL: "http://127.0.0.1:8080/sim").userFlights(user: "u", page: 3)
        #expect(transport.requests.map(\.url) == [
            "https://api.infiniteflight.com/public/v2/tracks",
            "http://127.0.0.1:8080/public/v2/tracks",
            "http://127.0.0.1:8080/sim/public/v2/users/u/flights?page=3",
        ])
    }

    @Test("an empty key sends no Authorization header (for the simulator)")
    func emptyKey() async throws {
        let transport = FakeLiveAPI.answering(json: #"{"errorCode":0,"result":[]}"#)
        _ = try await LiveAPIClient(apiKey: "", transport: transport).tracks()
        #expect(transport.requests.first?.headers.contains { $0.name == "Authorization" } == false)
    }

    @Test("limits of the client are passed to the transport")
    func limits() async throws {
        let transport = FakeLiveAPI.answering(json: #"{"errorCode":0,"result":[]}"#)
        var client = FakeLiveAPI.client(transport)
        client.timeout = .seconds(7)
        client.connectTimeout = .seconds(2)
        client.maxResponseBytes = 1234
        _ = try await client.sessions()
        let request = try #require(transport.requests.first)
        #expect(request.timeout == .seconds(7))
        #expect(request.connectTimeout == .seconds(2))
        #expect(request.maxResponseBytes == 1234)
        #expect(LiveAPIClient(apiKey: "k", transport: transport).maxResponseBytes >= 16 << 20)
    }

    @Test("fetch reports size and latency of the response")
    func replyMetrics() async throws {
        let body = try Fixtures.bytes("flights.json")
        let reply = try await FakeLiveAPI.client(FakeLiveAPI.answering(body: body)).fetch(LiveAPIEndpoints.flights(session: "s"))
        #expect(reply.byteCount == body.count)
        #expect(reply.elapsed == .milliseconds(3))
        #expect(reply.status == 200)
        #expect(reply.value.count == 1)
    }
}
