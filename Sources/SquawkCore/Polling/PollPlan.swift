import Foundation

/// One kind of Live API request the poller makes, with its published minimum interval
/// (../shared/FACTS.md "Minimum intervals").
public enum PollTask: Sendable, Hashable, Comparable, CustomStringConvertible {
    case sessions
    case flights(server: String)
    case atc(server: String)
    /// World status (airport inbound/outbound counts), only while airport subscriptions need it.
    case world(server: String)
    /// ATIS of one airport, only for watched airports with ATC open.
    case atis(server: String, airport: String)
    /// Flight plan of one watched flight.
    case flightPlan(server: String, flight: String)
    /// The livery list (names of aircraft and liveries), while any server is polled.
    case aircraftNames

    /// Seconds the upstream allows between two of these, at the least.
    public var minimumInterval: Double {
        switch self {
        case .sessions: 600
        case .flights, .atc, .world: 15
        case .atis: 60
        case .flightPlan: 180
        case .aircraftNames: 3_600
        }
    }

    /// Lower runs first when the budget is short.
    var priority: Int {
        switch self {
        case .sessions: 0
        case .flights: 1
        case .atc: 2
        case .flightPlan: 3
        case .world: 4
        case .atis: 5
        case .aircraftNames: 6
        }
    }

    public var description: String {
        switch self {
        case .sessions: "sessions"
        case .flights(let s): "flights[\(s)]"
        case .atc(let s): "atc[\(s)]"
        case .world(let s): "world[\(s)]"
        case .atis(let s, let a): "atis[\(s)/\(a)]"
        case .flightPlan(let s, let f): "flightplan[\(s)/\(f)]"
        case .aircraftNames: "aircraft names"
        }
    }

    public static func < (a: PollTask, b: PollTask) -> Bool {
        (a.priority, a.description) < (b.priority, b.description)
    }
}

/// How often each needed request runs so the whole fits the budget.
///
/// Every task runs at its minimum interval when the sum fits within `limit` per minute (with
/// `headroom` requests per minute kept free for retries and one-off lookups). Otherwise the
/// service degrades evenly — longer intervals, a warning, a metric — and never exceeds the
/// budget, in two tiers:
/// 1. the **core** (flights, ATC, world; sessions is fixed) gets the budget first; if it alone
///    does not fit, its intervals stretch by one common factor and nothing else runs;
/// 2. **extras** (ATIS, flight plans, aircraft names) share what is left, stretched by their own factor, so
///    watching many flights' plans never slows down takeoff and landing detection.
public struct PollPlan: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var task: PollTask
        public var interval: Double
    }
    public var entries: [Entry]
    public var limit: Int
    /// 1 when every core task runs at its minimum interval; above 1 when stretched.
    public var stretch: Double
    /// The same for ATIS and flight plans (infinity when they do not fit at all and are dropped).
    public var extraStretch: Double
    public var requestsPerMinute: Double { entries.reduce(0) { $0 + 60 / $1.interval } }
    public var degraded: Bool { stretch > 1.000_001 || extraStretch > 1.000_001 }

    /// The plan for `tasks` within `limit` requests a minute. `minimumFlightsInterval` and
    /// `sessionsInterval` may lengthen (never shorten) the published minimums of flights/ATC/world
    /// and of sessions.
    public static func make(tasks: Set<PollTask>, limit: Int, headroom: Int = 2,
                            minimumFlightsInterval: Double = 15, sessionsInterval: Double = 600) -> PollPlan {
        let sorted = tasks.sorted()
        func base(_ t: PollTask) -> Double {
            switch t {
            case .sessions: max(t.minimumInterval, sessionsInterval)
            case .flights, .atc, .world: max(t.minimumInterval, minimumFlightsInterval)
            default: t.minimumInterval
            }
        }
        func isExtra(_ t: PollTask) -> Bool {
            switch t {
            case .atis, .flightPlan, .aircraftNames: true
            default: false
            }
        }
        let usable = Double(max(1, limit - headroom))
        let fixed = sorted.filter { $0 == .sessions }.reduce(0.0) { $0 + 60 / base($1) }
        let core = sorted.filter { $0 != .sessions && !isExtra($0) }.reduce(0.0) { $0 + 60 / base($1) }
        let extra = sorted.filter(isExtra).reduce(0.0) { $0 + 60 / base($1) }
        var stretch = 1.0
        if fixed + core > usable, core > 0 {
            stretch = core / max(0.000_1, usable - fixed)
        }
        let left = usable - fixed - core / stretch
        var extraStretch = 1.0
        if extra > 0, extra > left {
            extraStretch = left >= 0.5 ? extra / left : .infinity
        }
        var entries: [Entry] = []
        for t in sorted {
            if t == .sessions {
                entries.append(Entry(task: t, interval: base(t)))
            } else if isExtra(t) {
                if extraStretch.isFinite { entries.append(Entry(task: t, interval: base(t) * extraStretch)) }
            } else {
                entries.append(Entry(task: t, interval: base(t) * stretch))
            }
        }
        return PollPlan(entries: entries, limit: limit, stretch: stretch, extraStretch: extraStretch)
    }

    /// "3 servers × 2 endpoints every 15 s + sessions every 600 s = 24.1 requests/min of 30".
    public var summary: String {
        var groups: [String: (count: Int, interval: Double)] = [:]
        for e in entries {
            let key: String = switch e.task {
            case .sessions: "sessions"
            case .flights: "flights"
            case .atc: "atc"
            case .world: "world"
            case .atis: "atis"
            case .flightPlan: "flight plans"
            case .aircraftNames: "aircraft names"
            }
            groups[key, default: (0, e.interval)].count += 1
        }
        let parts = groups.sorted { $0.key < $1.key }.map { k, v in
            "\(v.count) × \(k) every \(Int(v.interval.rounded())) s"
        }
        let rpm = (requestsPerMinute * 10).rounded() / 10
        var s = parts.joined(separator: " + ") + " = \(rpm) requests/min of \(limit)"
        if stretch > 1.000_001 { s += " (degraded: intervals stretched ×\((stretch * 100).rounded() / 100) to fit the budget)" }
        if extraStretch > 1.000_001 {
            s += extraStretch.isFinite ? " (ATIS and flight plans stretched ×\((extraStretch * 100).rounded() / 100))" : " (no budget left for ATIS and flight plans)"
        }
        return s
    }
}
