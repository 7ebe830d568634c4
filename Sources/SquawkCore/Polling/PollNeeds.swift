import Foundation

/// Which Live API requests the active subscriptions need (../shared/FACTS.md: idle servers are
/// not polled). Pure: the poller passes what it knows of the world.
///
/// - A subscription restricted to a server (or a `server` target) needs that server; one that
///   is not needs every server, except a `flight` subscription whose flight has been seen — a
///   flight lives on one server.
/// - `flights` runs for every needed server; `atc` only where someone wants ATC or ATIS events
///   (or airport-level takeoffs/landings, which do not need it: those come from flights).
/// - ATIS only for watched airports (`airport` targets wanting `atis.changed`) whose ATC list
///   shows a frequency open there.
/// - Flight plans only for watched, online flights whose subscriptions want plan, diversion
///   or approach events, at most `maxFlightPlans` (the rest wait their turn, longest-unseen first).
public struct PollNeeds: Sendable {
    /// The world as last seen: server id → its name, flight id → server id, server id → airports with ATC.
    public var servers: [ServerRef]
    public var flightServer: [String: String]
    public var airportsWithATC: [String: Set<String>]
    /// Server id → online flight ids whose callsign/user/id a subscription watches.
    public var watchedFlights: [String: [String]]

    public init(servers: [ServerRef], flightServer: [String: String] = [:], airportsWithATC: [String: Set<String>] = [:],
                watchedFlights: [String: [String]] = [:]) {
        self.servers = servers
        self.flightServer = flightServer
        self.airportsWithATC = airportsWithATC
        self.watchedFlights = watchedFlights
    }

    /// The tasks for `subscriptions` (sessions is always among them).
    public func tasks(for subscriptions: [Subscription], now: Date, maxFlightPlans: Int = 20) -> Set<PollTask> {
        tasks(for: subscriptions.filter { $0.status == .active }.map(PollInterest.init), now: now, maxFlightPlans: maxFlightPlans)
    }

    /// The tasks for the interests of the active subscriptions (sessions is always among them).
    public func tasks(for interests: some Sequence<PollInterest>, now: Date, maxFlightPlans: Int = 20) -> Set<PollTask> {
        var tasks: Set<PollTask> = [.sessions]
        var needed: Set<String> = []
        var atcNeeded: Set<String> = []
        var atisAirports: Set<String> = []
        var planWanted = false
        for s in interests where s.expiresAt.map({ $0 > now }) ?? true {
            switch s.kind {
            case .flsFlight, .flsClub: continue
            default: break
            }
            var servers = resolve(s.server)
            if s.kind == .server { servers.formIntersection(resolve(s.targetId)) }
            if s.kind == .flight, s.server == nil, let known = flightServer[s.targetId.lowercased()] {
                servers = [known]
            }
            needed.formUnion(servers)
            if s.wantsATC { atcNeeded.formUnion(servers) }
            if s.kind == .airport, s.wantsATIS { atisAirports.insert(s.targetId.uppercased()) }
            if s.wantsPlans { planWanted = true }
        }
        for id in needed {
            tasks.insert(.flights(server: id))
            if atcNeeded.contains(id) { tasks.insert(.atc(server: id)) }
            for airport in atisAirports where airportsWithATC[id]?.contains(airport) == true {
                tasks.insert(.atis(server: id, airport: airport))
            }
        }
        if planWanted {
            var plans: [PollTask] = []
            for (server, flights) in watchedFlights.sorted(by: { $0.key < $1.key }) where needed.contains(server) {
                for f in flights { plans.append(.flightPlan(server: server, flight: f)) }
            }
            tasks.formUnion(plans.prefix(max(0, maxFlightPlans)))
        }
        return tasks
    }

    /// Server ids a subscription's server restriction names (by id or name, any case); nil: all.
    func resolve(_ restriction: String?) -> Set<String> {
        guard let r = restriction?.lowercased() else { return Set(servers.map(\.id)) }
        return Set(servers.filter { $0.id.lowercased() == r || $0.name.lowercased() == r }.map(\.id))
    }
}

/// What the poller needs to know of one subscription: compact, so a million cost little.
public struct PollInterest: Sendable, Hashable {
    public var kind: TargetKind
    public var targetId: String
    public var server: String?
    public var owner: String
    public var expiresAt: Date?
    /// Wants `atc.opened`, `atc.closed` or `atis.changed`.
    public var wantsATC: Bool
    public var wantsATIS: Bool
    /// Wants plan, diversion or approach events (which need flight plans).
    public var wantsPlans: Bool

    public init(_ s: Subscription) {
        kind = s.target.kind
        targetId = s.target.id
        server = s.server
        owner = s.ownerKeyId
        expiresAt = s.expiresAt
        // ATC events concern airports, servers and controllers (users); a flight or callsign
        // subscription never matches one, so it does not make the poller ask for ATC.
        wantsATC = [.airport, .server, .user].contains(s.target.kind)
            && !s.events.isDisjoint(with: [.atcOpened, .atcClosed, .atisChanged])
        wantsATIS = s.events.contains(.atisChanged)
        wantsPlans = !s.events.isDisjoint(with: [.planFiled, .planChanged, .diverted, .approaching])
    }
}
