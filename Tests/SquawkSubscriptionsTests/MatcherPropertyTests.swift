import Foundation
import Testing
@testable import SquawkCore

/// The indexed ``Matcher`` and ``PollNeeds`` against ``ReferenceMatcher`` on many generated
/// subscriptions and events (seeded, so a failure repeats). Pools are small so that most
/// events hit some subscription and every rule is exercised: all target kinds in mixed case,
/// callsign patterns, event masks (also types a kind never gets), `server` by id or name or
/// naming no server, disabled and expired subscriptions, every filter, FLS events.
@Suite("Matcher and poll plan against a plain reading")
struct MatcherPropertyTests {
    @Test("the indexed matcher equals the reference on 10,000 subscriptions × 600 events, and after changes")
    func matcherAgreesWithReference() {
        var g = Generator(seed: 0x5157_4157)
        var subs = (0..<10_000).map { g.subscription(id: "s\($0)") }
        var matcher = Matcher(subs)
        let events = (0..<600).map { _ in g.event() }
        var matched = 0
        for e in events {
            let expected = ReferenceMatcher.match(subs, e)
            #expect(Set(matcher.match(e)) == expected, "event \(e.type.rawValue) \(e.callsign ?? "") \(e.server?.name ?? "")")
            matched += expected.count
        }
        // Not vacuous: many pairs match, and not all of them.
        #expect(matched > 5_000)
        #expect(matched < subs.count * events.count / 4)

        // Replace, disable and remove a third of them; the index must follow.
        for i in stride(from: 0, to: subs.count, by: 3) {
            switch g.int(3) {
            case 0: subs[i] = g.subscription(id: subs[i].id)
            case 1: subs[i].status = .disabled
            default: subs[i].events = []
            }
            matcher.insert(subs[i])
        }
        let removed = Set(stride(from: 1, to: subs.count, by: 7).map { subs[$0].id })
        for id in removed { matcher.remove(id: id) }
        let remaining = subs.filter { !removed.contains($0.id) }
        for e in events.prefix(300) {
            #expect(Set(matcher.match(e)) == ReferenceMatcher.match(remaining, e))
        }
    }

    @Test("the servers polled are the ones a plain reading of the subscriptions needs")
    func pollPlanAgreesWithReference() {
        var g = Generator(seed: 0x504F_4C4C)
        let needs = PollNeeds(servers: Generator.servers, flightServer: Generator.flightServer)
        var nonTrivial = 0
        for _ in 0..<3_000 {
            let subs = (0..<g.int(6)).map { g.subscription(id: "s\($0)") }
            let tasks = needs.tasks(for: subs, now: Generator.now)
            let polled = Set(tasks.compactMap { task -> String? in
                if case .flights(let server) = task { server } else { nil }
            })
            let expected = ReferenceMatcher.serversNeeded(subs, servers: Generator.servers,
                                                          flightServer: Generator.flightServer, now: Generator.now)
            #expect(polled == expected, "\(subs.map { "\($0.target.kind.rawValue):\($0.target.id) server=\($0.server ?? "-")" })")
            if !expected.isEmpty && expected.count < Generator.servers.count { nonTrivial += 1 }
        }
        #expect(nonTrivial > 300)
    }
}

/// Seeded random subscriptions and events over small pools.
struct Generator {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let servers = [
        ServerRef(id: "7e5dcd44-1fb5-49cc-bc2c-a9aab1f6a856", name: "Expert Server"),
        ServerRef(id: "d01006e4-3114-473c-8f69-020b89d02884", name: "Casual Server"),
        ServerRef(id: "6a04ffe8-765a-4925-af26-d88029eeadba", name: "Training Server"),
    ]
    static let flsServers = [ServerRef(id: "fls:demo", name: "demo"), ServerRef(id: "fls:north", name: "north")]
    static let flights = (0..<24).map { String(format: "%08x-0000-4000-8000-0000000000%02x", $0 * 7919, $0) }
    static let flsFlights = (0..<8).map { String(format: "0000%04x-aaaa-4bbb-8ccc-dddddddddddd", $0) }
    static let flightServer = Dictionary(uniqueKeysWithValues: flights.prefix(12).enumerated().map { ($1, servers[$0 % 3].id) })
    static let callsigns = ["DAL40", "DAL401", "DAL4", "BAW117", "UAL9", "N123VA", "N45VA", "AAL1", "SWA22", "DLH400"]
    static let callsignPatterns = ["DAL*", "dal4*", "*VA", "*0", "BAW117", "n123va", "UAL*", "*1", "SWA22", "DLH*"]
    static let users = (0..<12).map { String(format: "%08x-1111-4222-8333-444444444444", $0) }
    static let usernames = ["Cameron", "laura", "Émile", "ÅSA", "pilot_1", "Zoë"]
    static let airports = ["KLAX", "EGLL", "KSFO", "EDDF", "LFPG", "KJFK", "RJTT", "YSSY"]
    static let organizations = ["IFAE", "IFAE-Cargo", "Qatar VA", "ifva", "Delta Virtual"]
    static let aircraftIds = ["de510d3d-04f8-46e0-8d65-55b888f33129", "849366e1-cb11-4d72-9034-78b11cd026b0"]
    static let liveryIds = ["c875c0e9-19c2-420d-8fb4-32c151bd797c", "a071518d-995a-4b3c-b65b-656da0d6ed86"]
    static let aircraftNames = ["Airbus A350-900", "Boeing 787-9", "Cessna 172"]
    static let liveryNames = ["Delta", "Qatar Airways", "Generic"]
    static let aircraftTerms = ["a350", "Boeing 787-9", "DE510D3D-04F8-46E0-8D65-55B888F33129", "delta", "c875c0e9-19c2-420d-8fb4-32c151bd797c", "A320"]

    var rng: SplitMix64
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    mutating func chance(_ p: Double) -> Bool { Double(rng.next() % 10_000) < p * 10_000 }
    mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }
    mutating func some<T>(_ a: [T], max: Int = 3) -> [T] { (0..<(1 + int(max))).map { _ in pick(a) } }
    /// The same text in a random case (the matcher must not care).
    mutating func anyCase(_ s: String) -> String {
        switch int(3) {
        case 0: s
        case 1: s.lowercased()
        default: s.uppercased()
        }
    }

    // MARK: - Subscriptions

    mutating func subscription(id: String) -> Subscription {
        let kind = pick(TargetKind.allCases)
        let target: String = switch kind {
        case .flight: anyCase(pick(Self.flights))
        case .callsign: anyCase(pick(Self.callsignPatterns))
        case .user: chance(0.5) ? anyCase(pick(Self.users)) : anyCase(pick(Self.usernames))
        case .airport: anyCase(pick(Self.airports))
        case .server: chance(0.5) ? anyCase(pick(Self.servers).name) : anyCase(pick(Self.servers).id)
        case .flsFlight: anyCase(pick(Self.flsFlights))
        case .flsClub: anyCase(pick(Self.flsServers).name)
        }
        var events: Set<EventType>
        switch int(4) {
        case 0: events = kind.defaultEvents
        case 1: events = Set(EventType.allCases)
        default: events = Set(some(EventType.allCases, max: 5))
        }
        if chance(0.05) { events = [] }
        var server: String?
        switch int(6) {
        case 0: server = anyCase(pick(Self.servers).name)
        case 1: server = pick(Self.servers).id
        case 2: server = chance(0.2) ? "Nowhere Server" : nil
        default: server = nil
        }
        let status: SubscriptionStatus = chance(0.1) ? .disabled : .active
        let expires: Date? = switch int(10) {
        case 0: Self.now.addingTimeInterval(-60)
        case 1: Self.now.addingTimeInterval(3_600)
        default: nil
        }
        return Subscription(id: id, ownerKeyId: "k", target: .init(kind: kind, id: target), server: server,
                            events: events, filters: chance(0.5) ? filters() : .init(),
                            notifyEndpoint: "https://example.com/", status: status, createdAt: Self.now, expiresAt: expires)
    }

    mutating func filters() -> SubscriptionFilters {
        var f = SubscriptionFilters()
        if chance(0.3) { f.frequencyTypes = Array(Set(some(FrequencyKind.allCases))) }
        if chance(0.25) {
            let vo = pick(Self.organizations)
            f.virtualOrganization = chance(0.4) ? anyCase(String(vo.prefix(3))) + "*" : anyCase(vo)
        }
        if chance(0.3) { f.direction = pick(SubscriptionFilters.Direction.allCases) }
        if chance(0.25) { f.origin = some(Self.airports) }
        if chance(0.25) { f.destination = some(Self.airports) }
        if chance(0.25) { f.aircraft = some(Self.aircraftTerms) }
        if chance(0.3) {
            var l = SubscriptionFilters.Landing()
            if chance(0.6) { l.maxVerticalSpeed = Double(-100 * (1 + int(8))) }
            if chance(0.3) { l.minVerticalSpeed = Double(-100 * (5 + int(10))) }
            if chance(0.3) { l.minGroundSpeed = Double(20 * int(8)) }
            if chance(0.3) { l.maxGroundSpeed = Double(60 + 20 * int(8)) }
            f.landing = l
        }
        return f
    }

    // MARK: - Events

    mutating func event() -> FlightEvent {
        let type = pick(EventType.allCases)
        let at = Self.now.addingTimeInterval(Double(int(7_200) - 3_600))
        if type.isFLS {
            var data: [String: JSONValue] = [:]
            if chance(0.5) { data["legFlightId"] = .string(pick(Self.flsFlights)) }
            return FlightEvent(id: "e", type: type, at: at, server: pick(Self.flsServers), flightId: pick(Self.flsFlights), data: data)
        }
        let server = chance(0.97) ? pick(Self.servers) : nil
        if type == .atcOpened || type == .atcClosed || type == .atisChanged {
            var data: [String: JSONValue] = [:]
            if type != .atisChanged { data["frequencyKind"] = .string(pick(FrequencyKind.allCases).rawValue) }
            return FlightEvent(id: "e", type: type, at: at, server: server,
                               userId: type == .atisChanged ? nil : pick(Self.users),
                               username: type == .atisChanged ? nil : pick(Self.usernames),
                               airport: chance(0.9) ? pick(Self.airports) : nil, frequencyId: "freq", data: data)
        }
        var data: [String: JSONValue] = [:]
        func maybe(_ key: String, _ pool: [String], _ p: Double = 0.8) {
            if chance(p) { data[key] = .string(pick(pool)) } else if chance(0.5) { data[key] = .null }
        }
        maybe("origin", Self.airports)
        maybe("destination", Self.airports)
        maybe("aircraftId", Self.aircraftIds)
        maybe("liveryId", Self.liveryIds)
        maybe("aircraftName", Self.aircraftNames, 0.6)
        maybe("liveryName", Self.liveryNames, 0.6)
        if type == .diverted { maybe("previousDestination", Self.airports, 0.9) }
        if type == .flightCompleted { maybe("departureAirport", Self.airports, 0.9) }
        if type == .landing || type == .flightCompleted {
            data["touchdownRate"] = chance(0.85) ? .number(Double(-int(1_000))) : .null
            data["groundSpeed"] = .number(Double(int(180)))
        }
        return FlightEvent(
            id: "e", type: type, at: at, server: server, flightId: anyCase(pick(Self.flights)),
            userId: chance(0.9) ? pick(Self.users) : nil, username: chance(0.8) ? anyCase(pick(Self.usernames)) : nil,
            callsign: chance(0.95) ? anyCase(pick(Self.callsigns)) : nil,
            virtualOrganization: chance(0.6) ? anyCase(pick(Self.organizations)) : nil,
            airport: chance(0.7) ? pick(Self.airports) : nil, data: data)
    }
}
