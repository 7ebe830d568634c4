import Foundation
import Testing
@testable import SquawkFLS

/// The seed's FlightDetails sample (seed 003) decodes, and re-encodes without losing a field.
@Suite("FLS models")
struct FLSModelTests {
    static func sample() throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "flight-details", withExtension: "json", subdirectory: "Fixtures"))
        return try Data(contentsOf: url)
    }

    @Test("the seed sample decodes with all three legs")
    func decodesSample() throws {
        let d = try JSONDecoder().decode(FLSFlightDetails.self, from: Self.sample())
        #expect(d.flightId == "ba96b0f3-024b-4b3f-88c6-a8c6da53e915")
        #expect(d.startType == .aeroTow)
        #expect(d.legs.map(\.kind) == [.glider, .tow, .motor])
        let glider = try #require(d.glider)
        #expect(glider.couponNumber == "sample string 1")
        #expect(glider.winchOperatorPersonId == "e3d42406-f9d7-4fae-83d1-8358966116a1")
        #expect(glider.startPosition == 1)
        #expect(glider.nrOfLdgs == 1)
        #expect(glider.flightDuration?.seconds == 0.1234567)
        // 05:56:25.3540761 at +02:00 is 03:56:25.354 UTC.
        let start = try #require(glider.startDateTime?.date.timeIntervalSince1970)
        #expect(abs(start - 1_751_601_385.3540761) < 0.000_01)
        let motor = try #require(d.motor)
        #expect(motor.passengerPersonIds == ["5d21d603-8dd6-4ba6-8360-8ca43229911f", "4e501061-ef4e-4cce-80bb-658d6d5ba49d"])
        #expect(motor.nrOfLdgsOnStartLocation == 1)
        #expect(motor.blockStartDateTime?.text == "2025-07-04T05:56:25.3540761+02:00")
    }

    @Test("decode then encode gives back every key and value of the sample")
    func roundTrip() throws {
        let original = try Self.sample()
        let decoded = try JSONDecoder().decode(FLSFlightDetails.self, from: original)
        let reencoded = try JSONEncoder().encode(decoded)
        let a = try #require(try JSONSerialization.jsonObject(with: original) as? NSDictionary)
        let b = try #require(try JSONSerialization.jsonObject(with: reencoded) as? NSDictionary)
        #expect(Self.keyPaths(a) == Self.keyPaths(b), "no field may be dropped or added")
        #expect(a.isEqual(b), "every value survives the round trip, dates and durations as written")
    }

    @Test("state codes this build does not know decode, name themselves unknown and re-encode unchanged")
    func unknownCodes() throws {
        // The sample itself carries codes outside FACTS.md's tables (air state 4, process state 5 and 6).
        let d = try JSONDecoder().decode(FLSFlightDetails.self, from: Self.sample())
        let tow = try #require(d.tow)
        #expect(tow.airStateId?.rawValue == 4 && tow.airStateId?.name == "unknown" && tow.airStateId?.isKnown == false)
        #expect(tow.processStateId?.rawValue == 5 && tow.processStateId?.name == "unknown")
        #expect(d.glider?.airStateId == .flightPlanOpen && d.glider?.airStateId?.name == "flight_plan_open")
        let odd = try JSONDecoder().decode(FLSLeg.self, from: Data(#"{"AirStateId": 77, "ProcessStateId": 123}"#.utf8))
        #expect(odd.airStateId?.rawValue == 77 && odd.processStateId?.rawValue == 123)
        let back = try #require(String(data: try JSONEncoder().encode(odd), encoding: .utf8))
        #expect(back.contains(#""AirStateId":77"#) && back.contains(#""ProcessStateId":123"#))
        #expect(FLSStartType(rawValue: 9).phrase == "launch type 9")
    }

    @Test("missing and null fields decode as absent")
    func sparse() throws {
        let d = try JSONDecoder().decode(FLSFlightDetails.self, from: Data(#"{"FlightId": "AB", "GliderFlightDetailsData": {"StartDateTime": null, "FlightComment": null}}"#.utf8))
        #expect(d.key == "ab")
        #expect(d.glider?.startDateTime == nil)
        #expect(d.tow == nil && d.legs.count == 1)
    }

    @Test("a malformed date fails to decode with a message naming the text")
    func badDate() {
        #expect {
            _ = try JSONDecoder().decode(FLSLeg.self, from: Data(#"{"StartDateTime": "yesterday"}"#.utf8))
        } throws: { error in
            "\(error)".contains("yesterday")
        }
    }

    @Test("date-time forms", arguments: [
        ("2025-07-04T05:56:25.3540761+02:00", 1_751_601_385.3540761),
        ("2025-07-04T03:56:25Z", 1_751_601_385.0),
        ("2025-07-04T03:56:25", 1_751_601_385.0),
        ("2025-07-03T22:26:25.5-05:30", 1_751_601_385.5),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
    ])
    func dates(_ text: String, _ unix: Double) throws {
        let d = try #require(FLSDateTime.parse(text))
        #expect(abs(d.timeIntervalSince1970 - unix) < 0.000_01)
    }

    @Test("not date-times", arguments: ["", "2025-07-04", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2025-07-04T03:56:25+2",
                                        "2025-07-04T03:56:25.Z", "2025-07-04T03:56:25Zjunk", "2025-07-04T25:00:00Z"])
    func notDates(_ text: String) {
        #expect(FLSDateTime.parse(text) == nil)
    }

    @Test("TimeSpan forms")
    func timeSpans() {
        #expect(FLSTimeSpan.parse("00:00:00.1234567") == 0.1234567)
        #expect(FLSTimeSpan.parse("01:15:00") == 4_500)
        #expect(FLSTimeSpan.parse("1.02:03:04") == 93_784)
        #expect(FLSTimeSpan.parse("-00:01:00") == -60)
        #expect(FLSTimeSpan.parse("24:00:00") == nil)
        #expect(FLSTimeSpan.parse("00:60:00") == nil)
        #expect(FLSTimeSpan.parse("PT0.1S") == nil)
        #expect(FLSTimeSpan(seconds: 93_784).text == "1.02:03:04")
        #expect(FLSTimeSpan(seconds: 4_500).text == "01:15:00")
    }

    static func keyPaths(_ value: Any, prefix: String = "") -> Set<String> {
        var out: Set<String> = []
        if let d = value as? [String: Any] {
            for (k, v) in d {
                out.insert(prefix + "." + k)
                out.formUnion(keyPaths(v, prefix: prefix + "." + k))
            }
        } else if let a = value as? [Any] {
            for (i, v) in a.enumerated() { out.formUnion(keyPaths(v, prefix: prefix + "[\(i)]")) }
        }
        return out
    }
}

extension FLSModelTests {
    @Test("Squawk writes UTC whole seconds, the same as Foundation's ISO 8601 style", arguments: [0.0, 1_751_601_385.354, -86_401, 4_102_444_799, 951_782_400])
    func format(_ unix: Double) {
        let d = Date(timeIntervalSince1970: unix)
        #expect(FLSDateTime.format(d) == d.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false)))
        #expect(FLSDateTime.parse(FLSDateTime.format(d)) == Date(timeIntervalSince1970: unix.rounded(.down)))
    }
}
