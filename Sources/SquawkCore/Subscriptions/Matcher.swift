/// Routes events to the subscriptions that want them, through in-memory indexes by flight id,
/// callsign (exact, prefix `DAL*`, suffix `*VA`), user id / username, airport ICAO and server.
///
/// Cost per event is proportional to the length of its keys (a callsign of n characters probes
/// at most 2n prefix/suffix buckets), never to the number of subscriptions. A value type: the
/// service that owns it inserts and removes subscriptions as the store changes.
public struct Matcher: Sendable {
    /// What the matcher keeps of a subscription: compact, so a million fit in memory.
    struct Entry: Sendable {
        var id: String
        var events: UInt32
        var server: String?
        var expiresAt: Double?
    }

    private var entries: [Int32: Entry] = [:]
    private var slotById: [String: Int32] = [:]
    private var keysBySlot: [Int32: [IndexKey]] = [:]
    private var index: [IndexKey: [Int32]] = [:]
    private var freeSlots: [Int32] = []
    private var nextSlot: Int32 = 0
    /// Lengths of prefix/suffix patterns in use, so lookups probe only those lengths.
    private var prefixLengths: [Int: Int] = [:]
    private var suffixLengths: [Int: Int] = [:]

    enum IndexKey: Hashable, Sendable {
        case flight(String), callsign(String), callsignPrefix(String), callsignSuffix(String)
        case user(String), airport(String), server(String), all
    }

    public init() {}

    public init(_ subscriptions: some Sequence<Subscription>) {
        self.init()
        for s in subscriptions { insert(s) }
    }

    /// Number of subscriptions indexed.
    public var count: Int { entries.count }

    // MARK: - Changes

    /// Adds or replaces a subscription. Disabled subscriptions are removed instead.
    public mutating func insert(_ s: Subscription) {
        remove(id: s.id)
        guard s.status == .active else { return }
        let slot: Int32
        if let free = freeSlots.popLast() { slot = free } else { slot = nextSlot; nextSlot += 1 }
        entries[slot] = Entry(id: s.id, events: Self.mask(s.events), server: s.server.map { $0.lowercased() },
                              expiresAt: s.expiresAt?.timeIntervalSince1970)
        slotById[s.id] = slot
        let keys = Self.keys(for: s.target)
        keysBySlot[slot] = keys
        for k in keys {
            index[k, default: []].append(slot)
            if case .callsignPrefix(let p) = k { prefixLengths[p.count, default: 0] += 1 }
            if case .callsignSuffix(let p) = k { suffixLengths[p.count, default: 0] += 1 }
        }
    }

    /// Removes a subscription if present.
    public mutating func remove(id: String) {
        guard let slot = slotById.removeValue(forKey: id) else { return }
        for k in keysBySlot.removeValue(forKey: slot) ?? [] {
            index[k]?.removeAll { $0 == slot }
            if index[k]?.isEmpty == true { index[k] = nil }
            if case .callsignPrefix(let p) = k { Self.decrement(&prefixLengths, p.count) }
            if case .callsignSuffix(let p) = k { Self.decrement(&suffixLengths, p.count) }
        }
        entries[slot] = nil
        freeSlots.append(slot)
    }

    // MARK: - Matching

    /// The ids of the subscriptions that want `event`, each once, in no particular order.
    /// Expired subscriptions (`expiresAt` before the event) do not match.
    public func match(_ event: FlightEvent) -> [String] {
        var slots: Set<Int32> = []
        for k in Self.lookupKeys(event, prefixLengths: prefixLengths, suffixLengths: suffixLengths) {
            if let list = index[k] { slots.formUnion(list) }
        }
        let bit = Self.bit(event.type)
        let at = event.at.timeIntervalSince1970
        var out: [String] = []
        for slot in slots {
            guard let e = entries[slot], e.events & bit != 0 else { continue }
            if let exp = e.expiresAt, exp < at { continue }
            if let server = e.server {
                guard let es = event.server, server == es.id.lowercased() || server == es.name.lowercased() else { continue }
            }
            out.append(e.id)
        }
        return out
    }

    /// Matches a batch: for each event (by position), the subscription ids that want it.
    public func match(_ events: [FlightEvent]) -> [[String]] { events.map(match) }

    // MARK: - Keys

    static func keys(for target: SubscriptionTarget) -> [IndexKey] {
        let id = target.id.trimmingCharacters(in: .whitespaces)
        switch target.kind {
        case .flight: return [.flight(id.lowercased())]
        case .callsign:
            let c = id.uppercased()
            if c.hasSuffix("*") { return [.callsignPrefix(String(c.dropLast()))] }
            if c.hasPrefix("*") { return [.callsignSuffix(String(c.dropFirst()))] }
            return [.callsign(c)]
        case .user: return [.user(id.lowercased())]
        case .airport: return [.airport(id.uppercased())]
        case .server: return [.all]
        case .flsFlight: return [.flight("fls:" + id.lowercased())]
        case .flsClub: return [.server("fls:" + id.lowercased())]
        }
    }

    static func lookupKeys(_ e: FlightEvent, prefixLengths: [Int: Int], suffixLengths: [Int: Int]) -> [IndexKey] {
        var keys: [IndexKey] = [.all]
        if let f = e.flightId { keys.append(.flight(f.lowercased())) }
        if let c = e.callsign?.uppercased() {
            keys.append(.callsign(c))
            for n in prefixLengths.keys where n <= c.count { keys.append(.callsignPrefix(String(c.prefix(n)))) }
            for n in suffixLengths.keys where n <= c.count { keys.append(.callsignSuffix(String(c.suffix(n)))) }
        }
        if let u = e.userId { keys.append(.user(u.lowercased())) }
        if let n = e.username { keys.append(.user(n.lowercased())) }
        if let a = e.airport { keys.append(.airport(a.uppercased())) }
        // A diversion concerns both the old and the new destination.
        for k in ["oldDestination", "newDestination"] {
            if let a = e.data[k]?.stringValue, a != e.airport { keys.append(.airport(a.uppercased())) }
        }
        if let s = e.server { keys.append(.server(s.id.lowercased())) }
        return keys
    }

    static func bit(_ t: EventType) -> UInt32 {
        UInt32(1) << UInt32(EventType.allCases.firstIndex(of: t) ?? 31)
    }

    static func mask(_ types: Set<EventType>) -> UInt32 { types.reduce(0) { $0 | bit($1) } }

    private static func decrement(_ d: inout [Int: Int], _ k: Int) {
        d[k, default: 0] -= 1
        if d[k] ?? 0 <= 0 { d[k] = nil }
    }
}

import Foundation
