/// Routes events to the subscriptions that want them, through in-memory indexes by flight id,
/// callsign (exact, prefix `DAL*`, suffix `*VA`), user id / username, airport ICAO and server
/// (id or name); FLS events through their own keys (FLS flight or leg id, FLS instance).
///
/// What a subscription matches, read plainly (the tests hold this type to a loop that reads it
/// so): it is active and not expired at the event's time; it wants the event's type; its
/// `server`, if any, is the event's server id or name (any case); its target names the event's
/// subject (see ``lookupKeys(_:prefixLengths:suffixLengths:)``; Live API targets never match FLS
/// events and FLS targets never Live API ones); and its ``SubscriptionFilters`` admit it.
///
/// Cost per event is proportional to the length of its keys (a callsign of n characters probes
/// at most 2n prefix/suffix buckets), never to the number of subscriptions; filters are checked
/// only on the subscriptions the indexes found. A value type: the service that owns it inserts
/// and removes subscriptions as the store changes.
public struct Matcher: Sendable {
    /// What the matcher keeps of a subscription: compact, so a million fit in memory. Every
    /// target has exactly one index key, kept here so removal needs no second table.
    struct Entry: Sendable {
        var id: String
        var key: IndexKey
        var events: UInt32
        var server: String?
        var expiresAt: Double?
        var filter: MatchFilter?
    }

    /// The slots under one key: most keys (a flight id, a pilot) have one subscriber, so the
    /// common case costs no array allocation.
    enum Slots: Sendable {
        case one(Int32)
        case many([Int32])
    }

    private var entries: ContiguousArray<Entry?> = []
    private var slotById: [String: Int32] = [:]
    private var index: [IndexKey: Slots] = [:]
    private var freeSlots: [Int32] = []
    private var live = 0
    /// Lengths of prefix/suffix patterns in use, so lookups probe only those lengths.
    private var prefixLengths: [Int: Int] = [:]
    private var suffixLengths: [Int: Int] = [:]

    enum IndexKey: Hashable, Sendable {
        case flight(String), callsign(String), callsignPrefix(String), callsignSuffix(String)
        /// A Live API server by id or name, lower-cased (an event probes both).
        case user(String), airport(String), server(String)
        case flsFlight(String), flsClub(String)
    }

    public init() {}

    public init(_ subscriptions: some Sequence<Subscription>) {
        self.init()
        for s in subscriptions { insert(s) }
    }

    /// Number of subscriptions indexed.
    public var count: Int { live }

    // MARK: - Changes

    /// Adds or replaces a subscription. Disabled subscriptions are removed instead.
    public mutating func insert(_ s: Subscription) {
        remove(id: s.id)
        guard s.status == .active else { return }
        let key = Self.key(for: s.target)
        let entry = Entry(id: s.id, key: key, events: Self.mask(s.events), server: s.server.map { $0.lowercased() },
                          expiresAt: s.expiresAt?.timeIntervalSince1970,
                          filter: MatchFilter.make(s.filters, target: s.target))
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            entries[Int(slot)] = entry
        } else {
            slot = Int32(entries.count)
            entries.append(entry)
        }
        slotById[s.id] = slot
        live += 1
        switch index[key] {
        case nil: index[key] = .one(slot)
        case .one(let other): index[key] = .many([other, slot])
        case .many(var list):
            index[key] = nil  // keep the array uniquely referenced while appending
            list.append(slot)
            index[key] = .many(list)
        }
        if case .callsignPrefix(let p) = key { prefixLengths[p.count, default: 0] += 1 }
        if case .callsignSuffix(let p) = key { suffixLengths[p.count, default: 0] += 1 }
    }

    /// Removes a subscription if present.
    public mutating func remove(id: String) {
        guard let slot = slotById.removeValue(forKey: id), let entry = entries[Int(slot)] else { return }
        let key = entry.key
        switch index[key] {
        case .one: index[key] = nil
        case .many(var list):
            index[key] = nil
            list.removeAll { $0 == slot }
            index[key] = list.count == 1 ? .one(list[0]) : (list.isEmpty ? nil : .many(list))
        case nil: break
        }
        if case .callsignPrefix(let p) = key { Self.decrement(&prefixLengths, p.count) }
        if case .callsignSuffix(let p) = key { Self.decrement(&suffixLengths, p.count) }
        entries[Int(slot)] = nil
        freeSlots.append(slot)
        live -= 1
    }

    // MARK: - Matching

    /// The ids of the subscriptions that want `event`, each once, in no particular order.
    /// Expired subscriptions (`expiresAt` before the event) do not match.
    public func match(_ event: FlightEvent) -> [String] {
        var slots: [Int32] = []
        for k in Self.lookupKeys(event, prefixLengths: prefixLengths, suffixLengths: suffixLengths) {
            switch index[k] {
            case .one(let slot): slots.append(slot)
            case .many(let list): slots.append(contentsOf: list)
            case nil: break
            }
        }
        guard !slots.isEmpty else { return [] }
        // A subscription sits under one key, but an event can probe the same key twice (its
        // user id and username may be equal); sort once to drop repeats.
        if slots.count > 1 { slots.sort() }
        let bit = Self.bit(event.type)
        let at = event.at.timeIntervalSince1970
        let serverId = event.server.map { Self.lower($0.id) }
        let serverName = event.server.map { Self.lower($0.name) }
        var out: [String] = []
        out.reserveCapacity(slots.count)
        var previous: Int32 = -1
        for slot in slots where slot != previous {
            previous = slot
            guard let e = entries[Int(slot)], e.events & bit != 0 else { continue }
            if let exp = e.expiresAt, exp < at { continue }
            if let server = e.server {
                guard server == serverId || server == serverName else { continue }
            }
            if let filter = e.filter, !filter.admits(event) { continue }
            out.append(e.id)
        }
        return out
    }

    /// Matches a batch: for each event (by position), the subscription ids that want it.
    public func match(_ events: [FlightEvent]) -> [[String]] { events.map(match) }

    // MARK: - Keys

    static func key(for target: SubscriptionTarget) -> IndexKey {
        let id = target.id.trimmingCharacters(in: .whitespaces)
        switch target.kind {
        case .flight: return .flight(id.lowercased())
        case .callsign:
            let c = id.uppercased()
            if c.hasSuffix("*") { return .callsignPrefix(String(c.dropLast())) }
            if c.hasPrefix("*") { return .callsignSuffix(String(c.dropFirst())) }
            return .callsign(c)
        case .user: return .user(id.lowercased())
        case .airport: return .airport(id.uppercased())
        case .server: return .server(id.lowercased())
        case .flsFlight: return .flsFlight(id.lowercased())
        case .flsClub: return .flsClub(id.lowercased())
        }
    }

    /// `s` in lower case, without allocating when it already is (ids from the API usually are).
    @inline(__always)
    static func lower(_ s: String) -> String {
        s.utf8.contains(where: { ($0 >= 65 && $0 <= 90) || $0 >= 128 }) ? s.lowercased() : s
    }

    /// `s` in upper case, without allocating when it already is.
    @inline(__always)
    static func upper(_ s: String) -> String {
        s.utf8.contains(where: { ($0 >= 97 && $0 <= 122) || $0 >= 128 }) ? s.uppercased() : s
    }

    static func lookupKeys(_ e: FlightEvent, prefixLengths: [Int: Int], suffixLengths: [Int: Int]) -> [IndexKey] {
        // FLS events live in their own key space: `fls_flight` by the flight's or the leg's id,
        // `fls_club` by instance (the event's server is `fls:<instance>` / `<instance>`).
        if e.type.isFLS {
            var keys: [IndexKey] = []
            if let f = e.flightId { keys.append(.flsFlight(lower(f))) }
            if let leg = e.data["legFlightId"]?.stringValue, lower(leg) != e.flightId.map(lower) { keys.append(.flsFlight(lower(leg))) }
            if let s = e.server {
                let id = lower(s.id)
                keys.append(.flsClub(id.hasPrefix("fls:") ? String(id.dropFirst(4)) : id))
            }
            return keys
        }
        var keys: [IndexKey] = []
        keys.reserveCapacity(8 + prefixLengths.count + suffixLengths.count)
        if let f = e.flightId { keys.append(.flight(lower(f))) }
        if let c = e.callsign.map(upper) {
            keys.append(.callsign(c))
            for n in prefixLengths.keys where n <= c.count { keys.append(.callsignPrefix(String(c.prefix(n)))) }
            for n in suffixLengths.keys where n <= c.count { keys.append(.callsignSuffix(String(c.suffix(n)))) }
        }
        if let u = e.userId { keys.append(.user(lower(u))) }
        if let n = e.username { keys.append(.user(lower(n))) }
        let airport = e.airport.map(upper)
        if let airport { keys.append(.airport(airport)) }
        // A diversion concerns the old destination too; a plan, its origin as well as its
        // destination; a completed flight, where it took off as well as where it ended.
        let otherEnd = switch e.type {
        case .diverted: "previousDestination"
        case .planFiled, .planChanged: "origin"
        case .flightCompleted: "departureAirport"
        default: ""
        }
        if !otherEnd.isEmpty, let a = e.data[otherEnd]?.stringValue.map(upper), a != airport { keys.append(.airport(a)) }
        if let s = e.server {
            let id = lower(s.id), name = lower(s.name)
            keys.append(.server(id))
            if name != id { keys.append(.server(name)) }
        }
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
