import Foundation
import Testing
@testable import SquawkCore

/// Snapshot tests of every format for every event type. The expected bodies live in
/// `Snapshots/<event>.<format>.json`; run with `SQUAWK_RECORD_SNAPSHOTS=1` to (re)write them,
/// then review the diff like code.
@Suite("Payload rendering")
struct PayloadRendererTests {
    static let renderer = PayloadRenderer(airports: .bundled, airlines: .standard)
    static let at = Date(timeIntervalSince1970: 1_764_000_000)
    static let expert = ServerRef(id: "7e5dcd44-1fb5-49cc-bc2c-a9aab1f6a856", name: "Expert Server")

    static func sample(_ type: EventType) -> FlightEvent {
        if type.isFLS { return flsSample(type) }
        var data: [String: JSONValue] = [:]
        var airport: String? = "KLAX"
        switch type {
        case .takeoff: data = ["groundSpeed": 162.4, "altitude": 312.0, "heading": 250.0]
        case .landing: data = ["touchdownRate": -182.6, "groundSpeed": 138.2, "touchAndGo": false, "altitude": 128.0]
        case .flightOnline: data = ["airborne": false]
        case .flightOffline: data = ["airborne": true, "altitude": 35000.0, "latitude": 40.1, "longitude": -100.2]; airport = nil
        case .planFiled, .planChanged: data = ["origin": "KLAX", "destination": "KJFK", "waypointCount": 14]
        case .diverted: data = ["previousDestination": "KJFK", "destination": "KBOS", "previousDestinationName": "John F Kennedy International Airport",
                                 "destinationName": "General Edward Lawrence Logan International Airport"]; airport = "KBOS"
        case .approaching: data = ["distanceNM": 49.6, "etaMinutes": 11.8, "groundSpeed": 252.0]; airport = "KJFK"
        // The details as the differ writes them (SnapshotDiffer+Flights/+ATC document each key).
        case .pilotState: data = ["previous": "active", "current": "away_in_flight", "previousCode": 0, "currentCode": 1, "airborne": true]; airport = nil
        case .atcOpened: data = ["frequencyType": 1, "frequencyKind": "tower", "airportName": "Los Angeles International Airport", "controller": "Cameron"]
        case .atcClosed:
            data = ["frequencyType": 1, "frequencyKind": "tower", "airportName": "Los Angeles International Airport", "controller": "Cameron",
                    "openedAt": "2025-11-24T14:55:00Z", "duration": 3_900]
        case .atisChanged: data = ["text": "Los Angeles ATIS information DELTA, wind 250 at 8.", "letter": "DELTA"]
        case .subscriptionTest: data = [:]; airport = nil
        case .flightCompleted:
            airport = "KJFK"
            data = ["outcome": "completed", "origin": "KLAX", "destination": "KJFK", "departureAirport": "KLAX",
                    "arrivalAirport": "KJFK", "outAt": "2025-11-24T10:02:15Z", "offAt": "2025-11-24T10:21:40Z",
                    "onAt": "2025-11-24T15:43:05Z", "inAt": "2025-11-24T16:00:00Z", "blockTime": 21_465.0, "airTime": 19_285.0,
                    "greatCircleNM": 2_145.2, "flownDistanceNM": 2_210.7, "maxAltitude": 37_012.0, "touchdownRate": -164.0,
                    "touchdownRateSource": "flare", "groundSpeed": 131.4, "touchAndGos": 0, "diversions": 0,
                    "aircraftName": "Boeing 757-200", "lastSeenAt": "2025-11-24T16:01:15Z"]
        default: break
        }
        return FlightEvent(id: EventID.make(subject: "348d1ba8-1e60-48ca-8278-42f019147de8", type: type, sequence: 1),
                           type: type, at: at, server: expert, flightId: "348d1ba8-1e60-48ca-8278-42f019147de8",
                           userId: "3f8b28bf-bbb1-4024-80ae-2a0ea9b30685", username: "Cameron",
                           callsign: [.atcOpened, .atcClosed, .atisChanged].contains(type) ? nil : "DAL40",
                           virtualOrganization: nil, airport: airport,
                           frequencyId: type == .atcOpened || type == .atcClosed ? "c2d7decc-2803-c905-5d88-81bc07626b1f" : nil,
                           data: data)
    }

    /// An FLS leg event as the FLS differ makes them (no callsign, no airport; the club is the server).
    static func flsSample(_ type: EventType) -> FlightEvent {
        var data: [String: JSONValue] = [
            "instance": "club", "leg": "glider", "legFlightId": "7124dc54-4f4d-4dde-889e-d6e22a90c647", "startType": "aero_tow",
            "startTypeId": 1, "startTime": "2025-07-04T09:32:00Z", "airState": "started", "airStateId": 10,
            "processState": "not_processed", "processStateId": 0,
        ]
        switch type {
        case .flsLanding:
            data["landingTime"] = "2025-07-04T10:47:00Z"; data["durationSeconds"] = 4_500; data["landings"] = 2; data["airState"] = "landed"
        case .flsMightHaveStarted: data["startTime"] = nil; data["airState"] = "might_be_started"
        case .flsMightHaveLanded: data["airState"] = "might_be_landed_or_in_air"
        case .flsCorrected: data["field"] = "start"; data["old"] = "2025-07-04T09:32:00Z"; data["new"] = "2025-07-04T09:30:00Z"
        case .flsStateChanged: data["from"] = "valid"; data["fromId"] = 30; data["to"] = "locked"; data["toId"] = 40; data["processState"] = "locked"
        default: break
        }
        return FlightEvent(id: EventID.make(subject: "fls:club:ba96b0f3-024b-4b3f-88c6-a8c6da53e915:glider", type: type, sequence: 1),
                           type: type, at: at, server: ServerRef(id: "fls:club", name: "club"),
                           flightId: "ba96b0f3-024b-4b3f-88c6-a8c6da53e915", data: data)
    }

    static let snapshotDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static var cases: [(EventType, PayloadFormat)] {
        // FLS targets cannot choose the flifo format (validation refuses it).
        EventType.allCases.flatMap { t in PayloadFormat.allCases.filter { !(t.isFLS && $0 == .flifo) }.map { (t, $0) } }
    }

    @Test("each event type in each format matches its snapshot", arguments: cases)
    func snapshot(_ type: EventType, _ format: PayloadFormat) throws {
        let body = Self.renderer.render(Self.sample(type), format: format, subscriptionId: "sub_test", sequence: 7)
        let file = Self.snapshotDir.appendingPathComponent("\(type.rawValue).\(format.rawValue).json")
        let pretty = try Self.pretty(body)
        if ProcessInfo.processInfo.environment["SQUAWK_RECORD_SNAPSHOTS"] == "1" {
            try pretty.write(to: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(pretty == expected, "snapshot \(file.lastPathComponent) differs; re-record with SQUAWK_RECORD_SNAPSHOTS=1 and review")
    }

    @Test("the text users choose cannot inject markup: Discord markdown is escaped, Slack's control characters too")
    func userTextEscaped() throws {
        var e = Self.sample(.takeoff)
        e.callsign = "**DAL40**"
        e.username = "[free](https://evil.example) <!channel> ~~x~~"
        let discord = String(decoding: Self.renderer.render(e, format: .discord, subscriptionId: "s", sequence: 1), as: UTF8.self)
        #expect(discord.contains(#"\\*\\*DAL40\\*\\* took off"#), "\(discord)")
        #expect(discord.contains(#"\\[free\\](https://evil.example)"#))
        #expect(!discord.contains("**DAL40**"))
        #expect(discord.contains(#""allowed_mentions":{"parse":[]}"#))
        let slack = String(decoding: Self.renderer.render(e, format: .slack, subscriptionId: "s", sequence: 1), as: UTF8.self)
        #expect(!slack.contains("<!channel>"))
        var atc = Self.sample(.atcOpened)
        atc.username = "Cam_the_controller"
        atc.data["controller"] = "Cam_the_controller"
        let atcText = String(decoding: Self.renderer.render(atc, format: .discord, subscriptionId: "s", sequence: 1), as: UTF8.self)
        #expect(atcText.contains(#"KLAX Tower is open (Cam\\_the\\_controller)"#), "\(atcText)")
    }

    @Test("headlines read right: pilot state and ATC as the differ reports them")
    func headlines() {
        let r = Self.renderer
        func headline(_ type: EventType, _ data: [String: JSONValue], callsign: String? = "DAL40", airport: String? = "KLAX") -> String {
            var e = Self.sample(type)
            e.data = data
            e.callsign = callsign
            e.airport = airport
            return EventText.headline(e, airports: r.airports)
        }
        #expect(headline(.pilotState, ["previous": "active", "current": "away_in_flight"]) == "DAL40's pilot stepped away in flight")
        #expect(headline(.pilotState, ["previous": "away_parked", "current": "active"]) == "DAL40's pilot is back")
        #expect(headline(.pilotState, ["previous": "active", "current": "background", "airborne": true])
                == "DAL40's pilot put Infinite Flight in the background in flight")
        #expect(headline(.atcOpened, ["frequencyKind": "approach", "controller": "Kim"], callsign: nil) == "KLAX Approach is open (Kim)")
        #expect(headline(.atcClosed, ["frequencyKind": "atis", "duration": 600], callsign: nil) == "KLAX ATIS closed after 10 min (Cameron)")
        #expect(headline(.atcOpened, ["frequencyKind": "center", "controller": "Kim"], callsign: nil, airport: nil) == "Center is open (Kim)")
        for type in EventType.allCases {
            let text = EventText.headline(Self.sample(type), airports: r.airports)
            #expect(!text.contains("is now changed") && !text.contains("ATC closed") && !text.isEmpty, "\(type): \(text)")
        }
    }

    @Test("chat batches: Discord carries at most 10 embeds, Slack at most 50 blocks, in order, the rest for the next message")
    func chatBatches() throws {
        let events = (0..<30).map { n -> (event: FlightEvent, sequence: Int64) in
            var e = Self.sample(n % 3 == 0 ? .atisChanged : .takeoff)
            e.callsign = "DAL\(n)"
            return (e, Int64(n))
        }
        let discord = Self.renderer.renderChat(events, format: .discord)
        #expect(discord.count == 10)
        guard case .object(let message) = try JSONValue.parse(discord.body), case .array(let embeds)? = message["embeds"] else {
            Issue.record("no embeds"); return
        }
        #expect(embeds.count == 10)
        let titles = embeds.compactMap { embed -> String? in if case .object(let o) = embed { o["title"]?.stringValue } else { nil } }
        #expect(titles.first?.hasPrefix("KLAX ATIS") == true)
        #expect(titles[1].hasPrefix("DAL1 took off"))
        let slack = Self.renderer.renderChat(events, format: .slack)
        guard case .object(let sm) = try JSONValue.parse(slack.body), case .array(let blocks)? = sm["blocks"] else { Issue.record("no blocks"); return }
        #expect(blocks.count <= 50)
        #expect(slack.count > 1 && slack.count < 30)
        #expect(sm["text"]?.stringValue?.hasSuffix("(+\(slack.count - 1) more)") == true)
        // One event is the single-event body, byte for byte.
        #expect(Self.renderer.renderChat([events[1]], format: .discord).body
                == Self.renderer.render(events[1].event, format: .discord, subscriptionId: "", sequence: 1))
    }

    @Test("mentions ping exactly who the subscription names, for the events it names, and nobody otherwise")
    func mentions() throws {
        let discord = Mentions(roles: ["123456789012345678"], users: ["876543210987654321"], events: [.flightOnline])
        func object(_ bytes: [UInt8]) throws -> [String: JSONValue] {
            guard case .object(let o) = try JSONValue.parse(bytes) else { throw CancellationError() }
            return o
        }
        let pinged = try object(Self.renderer.render(Self.sample(.flightOnline), format: .discord, subscriptionId: "s", sequence: 1, mentions: discord))
        #expect(pinged["content"]?.stringValue == "<@&123456789012345678> <@876543210987654321>")
        #expect(pinged["allowed_mentions"] == .object(["parse": .array([]), "roles": .array(["123456789012345678"]), "users": .array(["876543210987654321"])]))
        let quiet = try object(Self.renderer.render(Self.sample(.takeoff), format: .discord, subscriptionId: "s", sequence: 1, mentions: discord))
        #expect(quiet["content"] == nil)
        #expect(quiet["allowed_mentions"] == .object(["parse": .array([])]))
        // In a batch: once, when any event it carries pings.
        let batch = try object(Self.renderer.renderChat([(Self.sample(.takeoff), 1), (Self.sample(.flightOnline), 2)], format: .discord, mentions: discord).body)
        #expect(batch["content"]?.stringValue == "<@&123456789012345678> <@876543210987654321>")
        let slack = Mentions(users: ["U012AB3CD"], groups: ["S0614TZR7"])
        let s = try object(Self.renderer.render(Self.sample(.landing), format: .slack, subscriptionId: "s", sequence: 1, mentions: slack))
        #expect(s["text"]?.stringValue?.hasPrefix("<@U012AB3CD> <!subteam^S0614TZR7> DAL40 landed") == true)
    }

    @Test("mentions are checked against the format", arguments: [
        (#"{"roles": ["123"]}"#, PayloadFormat.discord, "mentions_invalid"),
        (#"{"groups": ["S0614TZR7"]}"#, .discord, "mentions_invalid"),
        (#"{"users": ["876543210987654321"]}"#, .slack, "mentions_invalid"),
        (#"{"roles": ["123456789012345678"]}"#, .slack, "mentions_invalid"),
        (#"{"users": ["U012AB3CD"]}"#, .json, "mentions_not_for_format"),
        (#"{}"#, .discord, "mentions_invalid"),
        (#"{"users": ["876543210987654321"], "events": ["flight.nope"]}"#, .discord, "event_type_invalid"),
        (#"{"users": ["876543210987654321"], "everyone": true}"#, .discord, "unknown_field"),
    ])
    func mentionValidation(_ json: String, _ format: PayloadFormat, _ code: String) throws {
        let value = try JSONValue.parse(Array(json.utf8))
        #expect { _ = try Mentions.parse(value, format: format) } throws: { ($0 as? ValidationError)?.code == code }
        #expect(throws: Never.self) { _ = try Mentions.parse(JSONValue.parse(Array(#"{"users": ["876543210987654321"]}"#.utf8)), format: .discord) }
    }

    @Test("timestamps are Foundation's ISO 8601 to the second, for dates across four centuries")
    func timestamps() {
        var rng = SplitMix64(seed: 2026)
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
        // Leap days, year ends, the epoch, dates before it, fractions just below a second.
        var dates = [0, -1, -0.25, 951_782_400, 951_868_799.999, 4_107_542_399, 1_764_000_000.999, -2_208_988_800, 253_402_300_799]
            .map(Date.init(timeIntervalSince1970:))
        for _ in 0..<20_000 {
            dates.append(Date(timeIntervalSince1970: Double(Int64(rng.next() % 12_600_000_000) - 2_208_988_800) + Double(rng.next() % 1000) / 1000))
        }
        for d in dates where PayloadRenderer.timestamp(d) != d.formatted(style) {
            Issue.record("\(d.timeIntervalSince1970): \(PayloadRenderer.timestamp(d)) != \(d.formatted(style))")
            return
        }
    }

    @Test("the json format's direct writer gives the bytes of its JSONValue, details that clash with subject fields included")
    func jsonWriterMatchesValue() {
        var rng = SplitMix64(seed: 11)
        let keys = ["altitude", "callsign", "airport", "airportName", "eventId", "sequence", "server", "runway", "zeta", "Aircraft"]
        for n in 0..<500 {
            var data: [String: JSONValue] = [:]
            for key in keys where rng.next() % 2 == 0 {
                data[key] = rng.next() % 3 == 0 ? .object(["x": .number(Double(n)), "a": "b\"c"]) : .string("\(key)-\(n)")
            }
            let e = FlightEvent(id: "evt_\(n)", type: n % 2 == 0 ? .takeoff : .landing, at: Self.at.addingTimeInterval(Double(n)),
                                server: n % 3 == 0 ? nil : Self.expert, flightId: "f\(n)", userId: n % 4 == 0 ? nil : "u\(n)",
                                username: "pilot", callsign: n % 5 == 0 ? nil : "DAL\(n)", airport: ["KLAX", "EGLL", nil, "ZZZZ"][n % 4],
                                data: data)
            let direct = Self.renderer.render(e, format: .json, subscriptionId: "sub_1", sequence: Int64(n))
            #expect(direct == Self.renderer.json(e, subscriptionId: "sub_1", sequence: Int64(n)).jsonBytes,
                    "\(String(decoding: direct, as: UTF8.self))")
        }
    }

    @Test("rendering is deterministic")
    func deterministic() {
        for t in EventType.allCases {
            for f in PayloadFormat.allCases {
                let a = Self.renderer.render(Self.sample(t), format: f, subscriptionId: "s", sequence: 1)
                let b = Self.renderer.render(Self.sample(t), format: f, subscriptionId: "s", sequence: 1)
                #expect(a == b)
            }
        }
    }

    @Test("Discord payloads stay within Discord's limits even for huge inputs")
    func discordLimits() throws {
        var e = Self.sample(.atisChanged)
        e.callsign = String(repeating: "X", count: 5000)
        e.username = String(repeating: "Y", count: 5000)
        e.data["text"] = .string(String(repeating: "Z", count: 10_000))
        let body = Self.renderer.render(e, format: .discord, subscriptionId: "s", sequence: 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let embeds = try #require(json["embeds"] as? [[String: Any]])
        #expect(embeds.count <= 10)
        var total = 0
        for embed in embeds {
            let title = embed["title"] as? String ?? ""
            #expect(title.count <= 256)
            total += title.count
            let description = embed["description"] as? String ?? ""
            #expect(description.count <= 4096)
            total += description.count
            let fields = embed["fields"] as? [[String: Any]] ?? []
            #expect(fields.count <= 25)
            for f in fields {
                let name = f["name"] as? String ?? "", value = f["value"] as? String ?? ""
                #expect(name.count <= 256 && value.count <= 1024)
                total += name.count + value.count
            }
            total += ((embed["footer"] as? [String: Any])?["text"] as? String ?? "").count
        }
        #expect(total <= 6000)
    }

    @Test("the JSON format is a Standard Webhooks envelope")
    func envelope() throws {
        let body = Self.renderer.render(Self.sample(.takeoff), format: .json, subscriptionId: "sub_1", sequence: 3)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(json["type"] as? String == "flight.takeoff")
        #expect(json["timestamp"] as? String == "2025-11-24T16:00:00Z")
        let data = try #require(json["data"] as? [String: Any])
        #expect(data["sequence"] as? Int == 3)
        #expect(data["airportName"] as? String != nil)
        #expect(data["callsign"] as? String == "DAL40")
    }

    static func pretty(_ body: [UInt8]) throws -> String {
        let obj = try JSONSerialization.jsonObject(with: Data(body))
        let data = try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
