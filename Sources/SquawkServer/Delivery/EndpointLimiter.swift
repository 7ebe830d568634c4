import Foundation
import SquawkCore
import SquawkHTTP

/// Per-endpoint pacing: each receiver URL's ``ReceiverBudget`` (sliding windows: Discord 5 per
/// 2 s and 30 per 60 s, Slack 1 per second, others 50 per second), a cap on sends in flight to
/// it at once, and a "not before" time its receiver set (a 429, Discord's rate-limit headers).
/// Pure bookkeeping on times passed in; the dispatcher owns one instance, takes a slot before
/// each send and gives it back after (``release(_:)``).
///
/// **Scheduling, not churn.** A delivery the budget cannot send now is promised the endpoint's
/// next free slot, after every slot already promised (first come, first served), and is put
/// back due then: it is not claimed again before its turn, and when it comes back the slot is
/// its own. Promises are this process's; the windows are checked against real sends every time.
public struct EndpointLimiter: Sendable {
    struct Bucket {
        var ledger = BudgetLedger()
        /// Slots promised, ascending, by who holds them (a delivery id, or a chat subscription's
        /// key: its deliveries go out together, a message a slot).
        var promised: [String: [Date]] = [:]
        /// Events put back to each promised slot of a chat key (a message carries several),
        /// index for index with `promised[key]`; a slot without a count is full.
        var loads: [String: [Int]] = [:]
        var inFlight = 0
        var updated: Date

        /// Every promised slot except `key`'s, ascending.
        func others(than key: String) -> [Date] { promised.filter { $0.key != key }.values.flatMap { $0 }.sorted() }

        /// The next `count` slots the budget allows after the sends made and every slot promised.
        func freeSlots(_ count: Int, budget: ReceiverBudget, now: Date) -> [Date] {
            var projection = ledger
            let all = promised.values.flatMap { $0 }.sorted()
            for slot in all { projection.record(slot, budget: budget) }
            return projection.slots(count, budget: budget, now: max(now, all.last ?? now))
        }
    }

    /// The budget of each format (a test may use its own).
    public var budgets: [PayloadFormat: ReceiverBudget]
    /// Sends in flight to one endpoint at once; more wait (a slow receiver does not take every
    /// connection of the dispatcher).
    public var maxInFlight: Int
    /// A promise whose holder has not come back this long after its slot is dropped (the
    /// delivery was deleted, or claimed elsewhere).
    public var promiseGrace: Double = 30
    private var buckets: [String: Bucket] = [:]
    /// Hosts held as a whole (Discord's global rate limit applies to every webhook).
    private var hostHolds: [String: Date] = [:]

    public init(budgets: [PayloadFormat: ReceiverBudget] = [.discord: .discord, .slack: .slack, .json: .standard, .flifo: .standard],
                maxInFlight: Int = 16) {
        self.budgets = budgets
        self.maxInFlight = max(1, maxInFlight)
    }

    /// Takes a slot for `key` (a delivery id, or a chat subscription's key) to `endpoint` at
    /// `now`: nil when it may send now (the send is recorded), else when it may try again. With
    /// `reserve`, a refused key is promised that time (first come, first served); without, the
    /// caller promises what it needs with ``promise(_:format:budget:perMinute:key:count:now:)``.
    public mutating func acquire(_ endpoint: String, format: PayloadFormat, budget: ReceiverBudget? = nil, perMinute: Int? = nil,
                                 delivery key: String = "", now: Date, reserve: Bool = true) -> Date? {
        let budget = (budget ?? budgets[format] ?? .standard).lowered(perMinute: perMinute)
        var b = buckets[endpoint] ?? Bucket(updated: now)
        defer { buckets[endpoint] = b }
        b.updated = now
        if !hostHolds.isEmpty, let host = Self.host(endpoint), let hold = hostHolds[host], hold > now { return hold }
        for (holder, slots) in b.promised {
            // Ascending: the lapsed ones are a prefix, and their counts go with them.
            let lapsed = slots.prefix { $0.addingTimeInterval(promiseGrace) < now }.count
            guard lapsed > 0 else { continue }
            b.promised[holder] = lapsed == slots.count ? nil : Array(slots.dropFirst(lapsed))
            b.loads[holder] = b.promised[holder] == nil ? nil : b.loads[holder].map { Array($0.dropFirst(lapsed)) }
        }
        let mine = b.promised[key]?.first
        // Slots promised to others before this key's own (all of them, if it has none).
        let ahead = b.others(than: key).filter { $0 < (mine ?? .distantFuture) }
        let myTurn = mine.map { $0 <= now } ?? ahead.isEmpty
        if myTurn, b.ledger.allows(budget, now: now) {
            guard b.inFlight < maxInFlight else { return now.addingTimeInterval(1) }  // keeps its place
            return grant(&b, key, now, budget)
        }
        if let mine, mine > now { return mine }
        // The next free slot after the sends made and the slots promised ahead of it.
        var projection = b.ledger
        for slot in ahead { projection.record(slot, budget: budget) }
        let slot = projection.nextSlot(budget, now: max(now, ahead.last ?? now))
        if slot <= now, b.inFlight < maxInFlight { return grant(&b, key, now, budget) }
        if reserve { b.promised[key, default: []].append(slot) }
        return slot
    }

    /// Promises `key` `count` more slots on `endpoint`, each after every slot already promised
    /// (anyone's) and spaced as the budget allows; returns them, ascending.
    public mutating func promise(_ endpoint: String, format: PayloadFormat, budget: ReceiverBudget? = nil, perMinute: Int? = nil,
                                 key: String, count: Int, now: Date) -> [Date] {
        let budget = (budget ?? budgets[format] ?? .standard).lowered(perMinute: perMinute)
        var b = buckets[endpoint] ?? Bucket(updated: now)
        defer { buckets[endpoint] = b }
        let slots = b.freeSlots(count, budget: budget, now: now)
        // After every slot promised so far (anyone's), so the key's list stays ascending.
        b.promised[key, default: []] += slots
        return slots
    }

    /// Puts `events` of chat key `key` back, a message's worth (`perMessage`) to a slot: first
    /// into the room left in the slots the key already holds, then into new ones promised after
    /// every slot promised so far. Returns each event's slot, in order. A steady trickle of events
    /// into a busy channel thus shares its slots (ten to a message) instead of taking one each,
    /// which would make every message carry one event and the backlog outgrow the budget.
    public mutating func promiseEvents(_ endpoint: String, format: PayloadFormat, budget: ReceiverBudget? = nil, perMinute: Int? = nil,
                                       key: String, events: Int, perMessage: Int, now: Date) -> [Date] {
        let perMessage = max(1, perMessage)
        var out: [Date] = []
        var b = buckets[endpoint] ?? Bucket(updated: now)
        let held = b.promised[key] ?? []
        var loads = b.loads[key] ?? []
        loads += repeatElement(perMessage, count: max(0, held.count - loads.count))
        for (i, slot) in held.enumerated() where slot >= now && out.count < events {
            let take = min(perMessage - loads[i], events - out.count)
            guard take > 0 else { continue }
            out += repeatElement(slot, count: take)
            loads[i] += take
        }
        if !held.isEmpty { b.loads[key] = loads }
        buckets[endpoint] = b
        let remaining = events - out.count
        guard remaining > 0 else { return out }
        let slots = promise(endpoint, format: format, budget: budget, perMinute: perMinute, key: key,
                            count: (remaining + perMessage - 1) / perMessage, now: now)
        var fresh: [Int] = []
        for (i, slot) in slots.enumerated() {
            let n = min(perMessage, remaining - i * perMessage)
            fresh.append(n)
            out += repeatElement(slot, count: n)
        }
        let before = (buckets[endpoint]?.promised[key]?.count ?? slots.count) - slots.count
        var loadsNow = buckets[endpoint]?.loads[key] ?? []
        loadsNow += repeatElement(perMessage, count: max(0, before - loadsNow.count))
        buckets[endpoint]?.loads[key] = loadsNow + fresh
        return out
    }

    /// When an event for chat key `key` that comes now would go out: the first slot the key
    /// holds with room for it, else the next slot after every promise (not promised here).
    public func nextRoom(_ endpoint: String, format: PayloadFormat, budget: ReceiverBudget? = nil, perMinute: Int? = nil,
                         key: String, perMessage: Int, now: Date) -> Date {
        let budget = (budget ?? budgets[format] ?? .standard).lowered(perMinute: perMinute)
        guard let b = buckets[endpoint] else { return now }
        let held = b.promised[key] ?? []
        let loads = b.loads[key] ?? []
        for (i, slot) in held.enumerated() where slot >= now && i < loads.count && loads[i] < perMessage { return slot }
        return b.freeSlots(1, budget: budget, now: now).first ?? now
    }

    private func grant(_ b: inout Bucket, _ key: String, _ now: Date, _ budget: ReceiverBudget) -> Date? {
        if let first = b.promised[key]?.first, first <= now {
            b.promised[key]?.removeFirst()
            if b.loads[key]?.isEmpty == false { b.loads[key]?.removeFirst() }
            if b.promised[key]?.isEmpty == true {
                b.promised[key] = nil
                b.loads[key] = nil
            }
        }
        b.ledger.record(now, budget: budget)
        b.inFlight += 1
        return nil
    }

    /// Gives back the in-flight slot a successful ``acquire(_:format:budget:perMinute:delivery:now:reserve:)`` took.
    public mutating func release(_ endpoint: String) {
        guard var b = buckets[endpoint], b.inFlight > 0 else { return }
        b.inFlight -= 1
        buckets[endpoint] = b
    }

    /// Undoes a grant whose send will not happen (another instance took the slot): the send
    /// recorded at `sentAt` is forgotten and the in-flight slot comes back.
    public mutating func withdraw(_ endpoint: String, sentAt: Date) {
        guard var b = buckets[endpoint] else { return }
        b.ledger.forget(sentAt)
        b.inFlight = max(0, b.inFlight - 1)
        buckets[endpoint] = b
    }

    /// The budget ``acquire(_:format:budget:perMinute:delivery:now:reserve:)`` applies to a format
    /// with a subscription's own cap.
    public func budget(for format: PayloadFormat, perMinute: Int?) -> ReceiverBudget {
        (budgets[format] ?? .standard).lowered(perMinute: perMinute)
    }

    /// Sends to `endpoint` in flight now (slots taken and not given back).
    public func inFlight(_ endpoint: String) -> Int { buckets[endpoint]?.inFlight ?? 0 }

    /// Nothing goes to `endpoint` before `until` (a 429, a 502/503/504, Discord's rate-limit
    /// headers at 0 remaining).
    /// With `global`, every endpoint on the same host waits (Discord's global limit).
    public mutating func throttle(_ endpoint: String, global: Bool = false, until: Date) {
        var b = buckets[endpoint] ?? Bucket(updated: until)
        b.ledger.notBefore = max(b.ledger.notBefore ?? until, until)
        buckets[endpoint] = b
        if global, let host = Self.host(endpoint) { hostHolds[host] = max(hostHolds[host] ?? until, until) }
    }

    /// `discord.com` of `https://discord.com/api/webhooks/…` (the endpoint's parsed host).
    static func host(_ url: String) -> String? { (try? EndpointURL(parsing: url))?.host.lowercased() }

    /// Forgets idle endpoints (keeps memory bounded).
    public mutating func prune(idleSince: Date) {
        hostHolds = hostHolds.filter { $0.value > idleSince }
        buckets = buckets.filter {
            $0.value.inFlight > 0 || $0.value.updated >= idleSince || !$0.value.promised.isEmpty || ($0.value.ledger.notBefore ?? .distantPast) > idleSince
        }
    }

    /// Endpoints known now.
    public var endpointCount: Int { buckets.count }
}

/// What a receiver's answer says about its limits: Discord's `X-RateLimit-Remaining` /
/// `X-RateLimit-Reset-After` (at 0 remaining, nothing more until the reset) and a 429's JSON
/// `retry_after` (float seconds) and `global` flag; `Retry-After` from anyone (Slack, others).
struct ReceiverLimits {
    /// Seconds before this delivery may be tried again (the larger of header and body).
    var retryAfter: Double?
    /// Nothing goes to the endpoint (with `global`, to its host) before this.
    var holdUntil: Date?
    var global = false

    init(_ response: HTTPResponse, now: Date) {
        var wait = response.header("retry-after").flatMap { RetryPolicy.parseRetryAfter($0, now: now) }
        if response.status == 429, response.header("content-type")?.contains("json") == true,
           case .object(let body)? = try? JSONValue.parse(response.body) {
            if case .number(let seconds)? = body["retry_after"], seconds.isFinite, seconds >= 0 { wait = max(wait ?? 0, seconds) }
            if case .bool(true)? = body["global"] { global = true }
        }
        retryAfter = wait
        if response.status == 429, let wait { holdUntil = now.addingTimeInterval(wait) }
        if response.header("x-ratelimit-remaining") == "0", let reset = response.header("x-ratelimit-reset-after").flatMap(Double.init),
           reset.isFinite, reset > 0 {
            let until = now.addingTimeInterval(min(reset, 3_600))
            holdUntil = max(holdUntil ?? until, until)
        }
    }
}
