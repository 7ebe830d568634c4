import Foundation
import SquawkApp
import SquawkCore
import Testing

/// Every Discord payload Squawk renders, against Discord's own contract: the "execute webhook"
/// body schema from Discord's official OpenAPI description (Contracts/, extracted by
/// `scripts/discord_contract.py`), validated by the PyPI `jsonschema` package.
@Suite("Discord contract: rendered payloads against Discord's OpenAPI schema")
struct DiscordContractTests {
    struct Payload: Encodable {
        var name: String
        var kind = "execute"
        var body: JSONValue
    }

    static let at = Date(timeIntervalSince1970: 1_764_000_000)

    /// An event of `type` with the details the differ gives it, and text at Discord's limits.
    static func event(_ type: EventType, n: Int, long: Bool = false) -> FlightEvent {
        let text = long ? String(repeating: "Wind 250 at 8, visibility 10, *runway* 25L_in use. ", count: 200) : "Information DELTA"
        let data: [String: JSONValue] = [
            "altitude": .number(35_000), "groundSpeed": .number(452), "touchdownRate": .number(-182.6), "origin": "KLAX", "destination": "KJFK",
            "aircraftName": .string(long ? String(repeating: "Boeing 787-9 ", count: 200) : "Boeing 787-9"),
            "frequencyKind": "tower", "frequencyType": .number(1), "controller": "Cameron", "duration": .number(3_900),
            "text": .string(text), "letter": "D", "previous": "active", "current": "away_in_flight",
            "outcome": "completed", "departureAirport": "KLAX", "arrivalAirport": "KJFK", "blockTime": .number(21_465),
            "instance": "club", "leg": "glider", "startType": "aero_tow", "startTime": "2025-07-04T09:32:00Z",
        ]
        return FlightEvent(id: "evt_contract_\(type.rawValue)_\(n)", type: type, at: at,
                           server: ServerRef(id: "srv", name: long ? String(repeating: "Expert ", count: 100) : "Expert Server"),
                           flightId: "f\(n)", userId: "u\(n)", username: long ? String(repeating: "_Zoë*", count: 100) : "Cameron",
                           callsign: long ? String(repeating: "**SQK", count: 80) : "SQK\(n)", airport: "KLAX", data: data)
    }

    static func payloads() throws -> [Payload] {
        let renderer = PayloadRenderer()
        func json(_ bytes: [UInt8]) throws -> JSONValue { try JSONValue.parse(bytes) }
        var out: [Payload] = []
        for type in EventType.allCases {
            for long in [false, true] {
                let body = renderer.render(event(type, n: 1, long: long), format: .discord, subscriptionId: "sub", sequence: 1)
                out.append(Payload(name: "\(type.rawValue)\(long ? " (long text)" : "")", body: try json(body)))
            }
        }
        let many = EventType.allCases.enumerated().map { (event: event($0.element, n: $0.offset), sequence: Int64($0.offset)) }
        let batch = renderer.renderChat(many, format: .discord)
        #expect(batch.count == 10)
        out.append(Payload(name: "a message of 10 events", body: try json(batch.body)))
        let long = (0..<5).map { (event: event(.atisChanged, n: $0, long: true), sequence: Int64($0)) }
        let crowded = renderer.renderChat(long, format: .discord)
        #expect(crowded.count >= 1 && crowded.count < 5, "6,000 characters a message")
        out.append(Payload(name: "a message of long events", body: try json(crowded.body)))
        let mentions = Mentions(roles: ["123456789012345678"], users: ["876543210987654321", "876543210987654322"])
        out.append(Payload(name: "a message with mentions", body: try json(renderer.render(event(.flightOnline, n: 1), format: .discord, subscriptionId: "s",
                                                                                            sequence: 1, mentions: mentions))))
        out.append(Payload(name: "a batch with mentions", body: try json(renderer.renderChat(many, format: .discord, mentions: mentions).body)))
        // Live cards: the first post and its edits, through a whole flight, at both lengths.
        for long in [false, true] {
            let story: [EventType] = [.flightOnline, .planFiled, .takeoff, .approaching, .landing, .flightOffline, .flightCompleted]
            var card = try #require(FlightCard(event(story[0], n: 1, long: long), sequence: 1))
            out.append(Payload(name: "live card post\(long ? " (long text)" : "")", body: try json(renderer.renderCard(card, edit: false, mentions: mentions))))
            for (i, type) in story.enumerated().dropFirst() {
                var e = event(type, n: 1, long: long)
                e.id += "-\(i)"
                card.merge(e, sequence: Int64(i + 1))
                out.append(Payload(name: "live card edit after \(type.rawValue)\(long ? " (long text)" : "")", kind: "edit",
                                   body: try json(renderer.renderCard(card, edit: true))))
            }
        }
        return out
    }

    @Test("every event type, at ordinary and extreme lengths, alone and batched, is a valid execute-webhook body within Discord's limits")
    func contract() throws {
        let payloads = try Self.payloads()
        for p in payloads { #expect(DiscordLimits.problems(p.body).isEmpty, "\(p.name): \(DiscordLimits.problems(p.body))") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("discord-payloads-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let encoder = JSONEncoder()
        try encoder.encode(["payloads": payloads]).write(to: file)
        let root = StandardWebhooksInteropTests.packageRoot
        let (python, prefix) = StandardWebhooksInteropTests.python()
        let process = Process()
        process.executableURL = python
        process.arguments = prefix + [root.appendingPathComponent("scripts/discord_contract.py").path, "validate",
                                      root.appendingPathComponent("Tests/SquawkServiceTests/Contracts/discord-webhook.schema.json").path, file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("\(payloads.count) payloads, 0 violations"), "\(output)")
    }
}
