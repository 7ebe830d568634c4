import Foundation
import NIOConcurrencyHelpers
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
