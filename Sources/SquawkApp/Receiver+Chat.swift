import Foundation
import NIOConcurrencyHelpers
import Hummingbird
import SquawkCore

/// `squawk receive --as discord|slack`: a receiver that behaves like Discord's or Slack's
/// incoming webhooks where it matters to a sender: it enforces their rate limits per webhook
/// path (Discord 5 requests in any 2 s and 30 in any 60 s, Slack 1 a second) with a 429 and a
/// JSON `retry_after` as they do, and Discord's payload limits with a 400. Requests refused for
/// the rate count against it, as Discord says failed requests do.
public enum ChatReceiverMode: String, Sendable, CaseIterable {
    case plain, discord, slack

    var budget: ReceiverBudget? {
        switch self {
        case .plain: nil
        case .discord: ReceiverBudget(ReceiverBudget.discord.windows)
        case .slack: ReceiverBudget(ReceiverBudget.slack.windows)
        }
    }
}

/// The windows of each webhook path, as the receiver sees requests arrive.
final class ChatWindows: Sendable {
    private let ledgers = NIOLockedValueBox<[String: BudgetLedger]>([:])

    /// Nil when the request fits, else the seconds the sender should wait (the request still counts).
    func admit(_ path: String, budget: ReceiverBudget, now: Date) -> Double? {
        ledgers.withLockedValue { all in
            var ledger = all[path] ?? BudgetLedger()
            let slot = ledger.nextSlot(budget, now: now)
            ledger.record(now, budget: budget)
            all[path] = ledger
            return slot <= now ? nil : max(0.001, slot.timeIntervalSince(now))
        }
    }
}

/// The messages of each webhook, as Discord keeps them for a sender: a post with `?wait=true`
/// is answered with the message (its `id`), and `PATCH …/messages/{id}` edits one (404
/// "Unknown Message" for an id the webhook never returned).
final class ChatMessages: Sendable {
    private let state = NIOLockedValueBox<(next: UInt64, bodies: [String: [String: [UInt8]]])>((1_300_000_000_000_000_000, [:]))

    /// The webhook path and message id of an edit's path `…/messages/{id}`.
    static func split(_ path: String) -> (webhook: String, id: String)? {
        guard let r = path.range(of: "/messages/", options: .backwards) else { return nil }
        let id = String(path[r.upperBound...])
        return id.isEmpty || id.contains("/") ? nil : (String(path[..<r.lowerBound]), id)
    }

    /// The answer to a post with `wait` or to an edit; nil where the receiver's plain status applies.
    func answer(_ edit: Bool, path: String, wait: Bool, body: [UInt8]) -> (status: HTTPResponse.Status, body: [UInt8])? {
        if edit {
            guard let (webhook, id) = Self.split(path), state.withLockedValue({ s in
                guard s.bodies[webhook]?[id] != nil else { return false }
                s.bodies[webhook]?[id] = body
                return true
            }) else { return (.notFound, Array(#"{"message": "Unknown Message", "code": 10008}"#.utf8)) }
            return (.ok, Self.message(id: id, body: body))
        }
        guard wait else { return nil }
        let id = state.withLockedValue { s in
            s.next += 1
            s.bodies[path, default: [:]][String(s.next)] = body
            return String(s.next)
        }
        return (.ok, Self.message(id: id, body: body))
    }

    /// A message object as Discord returns it (the fields a sender reads).
    static func message(id: String, body: [UInt8]) -> [UInt8] {
        var message: [String: JSONValue] = ["id": .string(id), "type": .number(0), "channel_id": "1300000000000000001"]
        if case .object(let sent)? = try? JSONValue.parse(body) {
            for key in ["content", "embeds"] { if let v = sent[key] { message[key] = v } }
        }
        return JSONValue.object(message).jsonBytes
    }

    /// The body message `id` of `webhook` has now (tests read it).
    func body(webhook: String, id: String) -> [UInt8]? { state.withLockedValue { $0.bodies[webhook]?[id] } }
}

/// Discord's limits on an execute-webhook body (../shared/FACTS.md) that its schema does not state.
public enum DiscordLimits {
    public static func problems(_ body: JSONValue) -> [String] {
        guard case .object(let message) = body else { return ["the body is not a JSON object"] }
        var problems: [String] = []
        func check(_ what: String, _ value: JSONValue?, _ max: Int) -> Int {
            let n = value?.stringValue?.count ?? 0
            if n > max { problems.append("\(what) has \(n) characters, over \(max)") }
            return n
        }
        _ = check("content", message["content"], 2_000)
        guard case .array(let embeds)? = message["embeds"] else {
            return message["content"] == nil ? problems + ["neither content nor embeds"] : problems
        }
        if embeds.count > 10 { problems.append("\(embeds.count) embeds, over 10") }
        var total = 0
        for case .object(let embed) in embeds {
            total += check("title", embed["title"], 256) + check("description", embed["description"], 4_096)
            if case .object(let footer)? = embed["footer"] { total += check("footer", footer["text"], 2_048) }
            if case .array(let fields)? = embed["fields"] {
                if fields.count > 25 { problems.append("\(fields.count) fields, over 25") }
                for case .object(let f) in fields { total += check("field name", f["name"], 256) + check("field value", f["value"], 1_024) }
            }
        }
        if total > 6_000 { problems.append("\(total) characters across the embeds, over 6,000") }
        return problems
    }
}
