import Foundation
import SquawkLiveAPI
import Testing

@Suite("LiveAPIDate parses every timestamp shape of the API")
struct LiveAPIDateTests {
    /// (text, whole epoch seconds, fraction in nanoseconds)
    static let formats: [(String, Int64, Int64)] = [
        ("2020-10-02 00:46:19Z", 1_601_599_579, 0),
        ("2021-01-06T16:20:27.3275657Z", 1_609_950_027, 327_565_700),
        ("2022-01-10T10:37:41.965626", 1_641_811_061, 965_626_000),
        ("2022-02-14T16:34:14.916", 1_644_856_454, 916_000_000),
        ("0001-01-01T00:00:00", -62_135_596_800, 0),
        ("2100-01-01T16:34:00", 4_102_504_440, 0),
        // Not sent by the API today, accepted anyway.
        ("2000-02-29T12:00:00+01:00", 951_822_000, 0),
        ("2000-02-29T12:00:00-0530", 951_845_400, 0),
        ("1970-01-01t00:00:00.1234567891z", 0, 123_456_789),
    ]

    @Test("parses to the right instant", arguments: formats)
    func parses(_ text: String, _ seconds: Int64, _ nanos: Int64) throws {
        let date = try #require(LiveAPIDate.parse(text))
        let expected = Double(seconds) + Double(nanos) / 1e9
        // Double keeps ~16 significant digits: sub-microsecond agreement is exact enough.
        #expect(abs(date.timeIntervalSince1970 - expected) < 1e-6)
        #expect(date.timeIntervalSince1970.rounded(.down) == Double(seconds))
    }

    @Test("rejects what is not a timestamp", arguments: [
        "", "2021-01-06", "2021-01-06T16:20", "2021-02-30T00:00:00", "2021-13-01T00:00:00",
        "2021-00-10T00:00:00", "2021-01-06T24:00:00", "2021-01-06T16:60:00", "2021-01-06T16:20:27.",
        "2021-01-06T16:20:27Zjunk", "2021-01-06X16:20:27", "2021/01/06 16:20:27", "２０２１-01-06T16:20:27",
        "2021-01-06T16:20:27+1", "1900-02-29T00:00:00",
    ])
    func rejects(_ text: String) {
        #expect(LiveAPIDate.parse(text) == nil)
    }

    @Test("leap days are real days")
    func leapDays() {
        #expect(LiveAPIDate.parse("2000-02-29T00:00:00") != nil)
        #expect(LiveAPIDate.parse("2024-02-29T00:00:00") != nil)
        #expect(LiveAPIDate.parse("2023-02-29T00:00:00") == nil)
    }

    @Test("format writes what parse reads back", arguments: [
        -62_135_596_800.0, -1.5, 0, 951_782_400, 1_609_950_027.3275657, 1_641_811_061.965626, 4_102_504_440,
    ])
    func roundTrips(_ epoch: Double) throws {
        let date = Date(timeIntervalSince1970: epoch)
        let text = LiveAPIDate.format(date)
        let back = try #require(LiveAPIDate.parse(text), "\(text)")
        #expect(abs(back.timeIntervalSince1970 - epoch) < 1e-6, "\(text)")
    }

    @Test("format is ISO 8601 UTC")
    func formatShape() {
        #expect(LiveAPIDate.format(Date(timeIntervalSince1970: 1_601_599_579)) == "2020-10-02T00:46:19Z")
        #expect(LiveAPIDate.format(Date(timeIntervalSince1970: -62_135_596_800)) == "0001-01-01T00:00:00Z")
        #expect(LiveAPIDate.format(Date(timeIntervalSince1970: 1.25)) == "1970-01-01T00:00:01.2500000Z")
    }

    @Test("a bad timestamp in a payload is a decoding error naming the field")
    func badTimestampInPayload() async throws {
        let json = #"{"errorCode":0,"result":[{"latitude":1,"longitude":2,"altitude":3,"track":4,"groundSpeed":5,"date":"yesterday"}]}"#
        let client = FakeLiveAPI.client(FakeLiveAPI.answering(json: json))
        let error = await liveAPIError { try await client.route(session: "s", flight: "f") }
        #expect(error?.code == .decoding)
        #expect(error?.message.contains("date") == true)
    }
}
