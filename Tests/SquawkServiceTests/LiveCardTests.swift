import Foundation
import NIOConcurrencyHelpers
import SquawkApp
import SquawkCore
import SquawkHTTP
@testable import SquawkServer
import SquawkSQLite
import SquawkStore
import SquawkTesting
import Testing

/// Live cards (issue 19 item 5) on the manual clock: one Discord message per flight, posted with
/// `?wait=true` and edited after, pending edits coalesced, a deleted message replaced.
@Suite("Live flight cards")
struct LiveCardTests {
    typealias H = DispatchHarness
    typealias Rig = DispatcherClockTests.Rig

    /// A Discord webhook as the transport sees it: posts with `wait=true` get a message with a
    /// new id (from `ids`), edits of a known id succeed, of another 404.
    static func discord(ids: [String], deleted: Set<String> = []) -> ScriptedTransport {
        let issued = NIOLockedValueBox<[String]>([])
        return ScriptedTransport { r, _ in
            if r.method == .post {
                guard r.url.hasSuffix("?wait=true") else { return HTTPResponse(status: 204) }
                let id = issued.withLockedValue { i in i.append(ids[min(i.count, ids.count - 1)]); return i.last! }
                return HTTPResponse(status: 200, body: Array(#"{"id": "\#(id)", "type": 0, "channel_id": "1"}"#.utf8))
            }
            let id = String(r.url.split(separator: "/").last ?? "")
            let known = issued.withLockedValue { $0.contains(id) } && !deleted.contains(id)
            return known ? HTTPResponse(status: 200, body: Array(#"{"id": "\#(id)"}"#.utf8))
                : HTTPResponse(status: 404, body: Array(#"{"message": "Unknown Message", "code": 10008}"#.utf8))
        }
    }

    /// One flight's story, in order: the events a channel would see for F1.
    static func story() -> [FlightEvent] {
        let steps: [(EventType, [String: JSONValue], String?)] = [
            (.flightOnline, ["airborne": false], "KLAX"),
            (.planFiled, ["origin": "KLAX", "destination": "KJFK", "waypointCount": 14], "KJFK"),
            (.takeoff, ["altitude": 312, "groundSpeed": 162], "KLAX"),
            (.approaching, ["distanceNM": 49.6, "altitude": 9_000, "groundSpeed": 250], "KJFK"),
            (.landing, ["touchdownRate": -182.6, "groundSpeed": 138, "touchAndGo": false], "KJFK"),
            (.flightOffline, ["airborne": false], "KJFK"),
        ]
        return steps.enumerated().map { i, step in
            var e = H.event(i + 1, flight: "F1", type: step.0)
            e.data = step.1
            e.airport = step.2
            e.at = DispatcherClockTests.t0.addingTimeInterval(Double(i))
            return e
        }
    }

    static func json(_ r: HTTPRequest) -> [String: JSONValue] {
        guard case .object(let o)? = try? JSONValue.parse(r.body ?? []) else { return [:] }
        return o
    }

    static func embed(_ r: HTTPRequest) -> [String: JSONValue] {
        guard case .array(let embeds)? = json(r)["embeds"], case .object(let e)? = embeds.first else { return [:] }
        return e
    }

    @Test("the first event posts one card with ?wait=true; the rest, waiting behind it, coalesce into one edit of that message showing the newest state; every delivery ends delivered")
    func coalescedEdits() async throws {
        let rig = try Rig(transport: Self.discord(ids: ["1300000000000000777"]))
        let sub = try await rig.subscribe("card", format: .discord, card: .live)
        let story = Self.story()
        try await rig.running {
            try await rig.enqueue([story[0]], to: sub)
            try await DispatcherClockTests.until("the card is posted") { rig.transport.count == 1 }
            try await rig.settle()
            try await rig.enqueue(Array(story[1...]), to: sub)
            try await DispatcherClockTests.until("every delivery ended") {
                var all = true
                for e in story where try await rig.delivery(e, of: sub).status != .delivered { all = false }
                return all
            }
        }
        let requests = rig.transport.requests.withLockedValue { $0 }
        #expect(requests.map(\.method) == [.post, .patch], "\(requests.map(\.url))")
        #expect(requests.first?.url == "http://127.0.0.1:9/hooks/card?wait=true")
        #expect(requests.last?.url == "http://127.0.0.1:9/hooks/card/messages/1300000000000000777")
        let post = Self.embed(requests[0]), edit = Self.embed(requests[1])
        #expect(post["description"]?.stringValue?.contains("On the ground at") == true)
        #expect(Self.json(requests[0])["username"] != nil && Self.json(requests[1])["username"] == nil, "an edit takes no username")
        // The edit shows the last event's state: offline at JFK after landing, with the route.
        #expect(edit["description"]?.stringValue?.hasPrefix("**Went offline at") == true, "\(edit["description"] ?? .null)")
        #expect(edit["footer"].flatMap { if case .object(let f) = $0 { f["text"]?.stringValue } else { nil } }?.hasSuffix("#6") == true)
        let fields = edit["fields"].map { "\($0)" } ?? ""
        #expect(fields.contains("KLAX → KJFK"))
        // Every event shown: the first two by their own requests, the rest by the edit's look-ahead.
        let carried = try await rig.store.attempts(deliveryId: try await rig.delivery(story[4], of: sub).id)
        #expect(carried.map(\.responseSnippet) == ["shown by live card message 1300000000000000777"])
        #expect(carried.map(\.statusCode) == [nil])
        let stored = try #require(try await rig.store.card(subscriptionId: sub.id, flightId: "F1"))
        #expect(stored.messageId == "1300000000000000777" && stored.card.sequence == 6 && stored.card.phase == .offline)
        // Both requests are Discord-valid bodies within its limits.
        for r in requests { #expect(DiscordLimits.problems(.object(Self.json(r))).isEmpty) }
    }

    @Test("an edit of a card whose message was deleted (404) posts a new card, then edits that one; the subscription stays active")
    func deletedMessage() async throws {
        let rig = try Rig(transport: Self.discord(ids: ["101", "202"], deleted: ["101"]))
        let sub = try await rig.subscribe("card", format: .discord, card: .live)
        let story = Self.story()
        try await rig.running {
            for (i, e) in story.prefix(3).enumerated() {
                try await rig.enqueue([e], to: sub)
                try await DispatcherClockTests.until("event \(i + 1) delivered") { try await rig.delivery(e, of: sub).status == .delivered }
            }
        }
        let sent = rig.transport.requests.withLockedValue { $0.map { "\($0.method.rawValue) \($0.url.replacingOccurrences(of: "http://127.0.0.1:9/hooks/card", with: ""))" } }
        #expect(sent == ["POST ?wait=true", "PATCH /messages/101", "POST ?wait=true", "PATCH /messages/202"])
        let attempts = try await rig.store.attempts(deliveryId: try await rig.delivery(story[1], of: sub).id)
        #expect(attempts.map(\.statusCode) == [404, 200])
        #expect(try await rig.store.get(id: sub.id, owner: H.owner)?.status == .active)
        #expect(try await rig.store.card(subscriptionId: sub.id, flightId: "F1")?.messageId == "202")
    }

    @Test("cards take the webhook's budget: 12 flights coming online at once post 5 cards in the first 2 s, the rest at the budget's pace, never more than 5 in 2 s")
    func budget() async throws {
        let rig = try Rig(transport: Self.discord(ids: (1...12).map { "90\($0)" }))
        rig.transport.clock.withLockedValue { $0 = rig.clock }
        let sub = try await rig.subscribe("card", format: .discord, card: .live)
        let events = (1...12).map { H.event($0, flight: "F\($0)", type: .flightOnline) }
        try await rig.running {
            try await rig.enqueue(events, to: sub)
            try await DispatcherClockTests.until("the first burst") { rig.transport.count >= 1 }
            try await rig.settle()
            try await rig.advance(by: .milliseconds(250), until: { rig.transport.count >= 12 }, steps: 400)
        }
        let sends = rig.transport.sentAt.withLockedValue { $0 }
        #expect(sends.count == 12)
        #expect(rig.transport.requests.withLockedValue { $0.allSatisfy { $0.method == .post && $0.url.hasSuffix("?wait=true") } })
        for w in ReceiverBudget.discord.windows { #expect(ReceiverBudgetWindows.obeys(sends, w), "\(w)") }
    }
}
