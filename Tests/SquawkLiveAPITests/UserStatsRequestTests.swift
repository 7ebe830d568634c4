import Foundation
import SquawkHTTP
import SquawkLiveAPI
import SquawkTesting
import Testing

@Suite("User stats POST body")
struct UserStatsRequestTests {
    /// The documented sample body, whose trailing comma makes it invalid JSON.
    private func documentedBody() throws -> [String: [String]] {
        let verbatim = try Fixtures.text("user_stats_request_verbatim.txt")
        let repaired = verbatim.replacingOccurrences(of: #",(\s*[\]}])"#, with: "$1", options: .regularExpression)
        return try JSONDecoder().decode([String: [String]].self, from: Data(repaired.utf8))
    }

    /// Whether `text` has a comma right before a closing bracket or brace (outside strings;
    /// these bodies hold no commas in strings). Foundation's parser tolerates it, strict ones
    /// (and the JSON grammar) do not.
    private func hasTrailingComma(_ text: String) -> Bool {
        text.range(of: #",\s*[\]}]"#, options: .regularExpression) != nil
    }

    @Test("the documented sample has a trailing comma: it is not valid JSON")
    func verbatimSampleIsInvalid() throws {
        #expect(hasTrailingComma(try Fixtures.text("user_stats_request_verbatim.txt")))
    }

    @Test("our body for the same ids is valid JSON with the same content")
    func encoderEmitsValidJSON() async throws {
        let expected = try documentedBody()
        let transport = FakeLiveAPI.answering(json: #"{"errorCode":0,"result":[]}"#)
        _ = try await FakeLiveAPI.client(transport).userStats(
            userIds: expected["userIds"] ?? [], discourseNames: expected["discourseNames"] ?? [],
            userHashes: expected["userHashes"] ?? [])
        let request = try #require(transport.requests.first)
        #expect(request.method == .post)
        #expect(request.headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })
        let body = Data(try #require(request.body))
        #expect(!hasTrailingComma(String(decoding: body, as: UTF8.self)))
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: body) }
        #expect(try JSONDecoder().decode([String: [String]].self, from: body) == expected)
    }

    @Test("hashes are upper-cased and empty lists left out")
    func normalisation() throws {
        let body = try JSONEncoder().encode(UserStatsRequest(userHashes: ["f0081caa"]))
        #expect(try JSONDecoder().decode([String: [String]].self, from: body) == ["userHashes": ["F0081CAA"]])
    }

    @Test("25 ids are sent; 26, or none, are refused without a request", arguments: [
        (0, false), (1, true), (25, true), (26, false),
    ])
    func limit(_ count: Int, _ sent: Bool) async {
        let transport = FakeLiveAPI.answering(json: #"{"errorCode":0,"result":[]}"#)
        let client = FakeLiveAPI.client(transport)
        let ids = (0..<count).map { "id-\($0)" }
        // Spread over the three lists: the limit is on the total.
        let third = count / 3
        do {
            _ = try await client.userStats(
                userIds: Array(ids[..<third]), discourseNames: Array(ids[third..<(2 * third)]),
                userHashes: Array(ids[(2 * third)...]))
            #expect(sent)
        } catch {
            #expect(!sent)
            #expect(error.code == .invalidRequest)
        }
        #expect(transport.requests.count == (sent ? 1 : 0))
    }
}
