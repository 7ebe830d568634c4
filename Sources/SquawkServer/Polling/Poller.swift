import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import ServiceLifecycle
import SquawkCore
import SquawkStore

/// Settings of the poller.
public struct PollerConfiguration: Sendable {
    /// The whole process's Live API budget, requests per minute (30 for a standard key).
    public var requestsPerMinute = 30
    /// The share of that budget the poller uses (0.9: 27 of 30), so clock skew, a retried
    /// request or a second client on the key never meet the upstream's limit.
    public var budgetShare = 0.9
    /// The limit the poller keeps to.
    public var effectiveRequestsPerMinute: Int { RequestBudget.headroom(requestsPerMinute, share: budgetShare) }
    /// Flights/ATC interval per server; never below the API's 15 s.
    public var flightsInterval: Double = 15
    public var sessionsInterval: Double = 600
    public var maxFlightPlans = 20
    /// Wait after a 429 that names no `Retry-After`.
    public var defaultBackoff: Double = 60
    public var diff: DiffConfiguration = .default
    public init() {}
}

/// Polls the Live API for what active subscriptions need, inside one request budget, diffs each
/// server's snapshots and publishes the events (DESIGN.md flow 1–4).
///
/// ``step(now:)`` is one decision — run the most urgent due request, or say when to look again —
/// and tests drive it with their own clock. ``run()`` repeats it until graceful shutdown. The
/// budget is checked before every request, so no configuration can exceed it; when the needs
/// exceed it, every interval stretches by one factor (``PollPlan``), with a warning and the
/// `squawk_poll_plan_stretch` gauge. Snapshots stay in memory; only the diff state is saved.
public final class Poller: Service, LiveFlightDirectory, ServiceStatusProvider, Sendable {
    let upstream: any PollingUpstream
    let pipeline: EventPipeline
    let live: LiveSubscriptions
    let stateStore: (any PollerStateStore)?
    /// When several instances share the store: poll only while holding this lease (nil: always).
    let gate: LeadershipGate?
    var leadership: PollerLeadership? { gate?.leadership }
    let configuration: PollerConfiguration
    let logger: Logger
    let now: @Sendable () -> Date
    private let state: NIOLockedValueBox<State>

    struct State {
        var budget: RequestBudget
        var servers: [ServerRef] = []
        /// Sessions reads that failed in a row (retried with ``RequestBudget/retryDelay(afterFailures:)``).
        var sessionFailures = 0
        var lastRun: [PollTask: Date] = [:]
        var diff: [String: DiffState] = [:]
        var loaded = false
        /// Plans and ATIS texts fetched since the server's last snapshot, attached to its next one.
        var pendingPlans: [String: [String: FlightPlanSummary]] = [:]
        var pendingATIS: [String: [String: String?]] = [:]
        /// What the last snapshots showed (memory only).
        var latest: [String: Snapshot] = [:]
        var plans: [String: FlightPlanSummary] = [:]
        /// What the poll plan needs to know of the world, derived once per snapshot (not per step):
        /// the server of every online flight, airports with ATC, watched flights per server.
        var flightServer: [String: String] = [:]
        var airportsWithATC: [String: Set<String>] = [:]
        var watched: [String: [String]] = [:]
        var warnedDegraded = false
        var lastPlan: PollPlan?
        /// Aircraft and livery names (memory only), added to flight events.
        var names = AircraftNames()
    }

    public init(upstream: any PollingUpstream, pipeline: EventPipeline, live: LiveSubscriptions,
                stateStore: (any PollerStateStore)?, configuration: PollerConfiguration = .init(),
                logger: Logger = Logger(label: "squawk.poller"), now: @escaping @Sendable () -> Date = { Date() },
                leadership: PollerLeadership? = nil) {
        self.upstream = upstream
        self.gate = leadership.map { LeadershipGate($0, logger: logger) }
        self.pipeline = pipeline
        self.live = live
        self.stateStore = stateStore
        self.configuration = configuration
        self.logger = logger
        self.now = now
        state = NIOLockedValueBox(State(budget: RequestBudget(limit: configuration.effectiveRequestsPerMinute)))
    }

    // MARK: - Service

    public func run() async throws {
        if gate == nil { try await loadState() }
        await PollLoop.run(live: live, gate: gate, now: now, takeOver: takeOver, refresh: refreshSubscriptions, step: step)
    }

    /// Restores the diff states saved by a previous run.
    public func loadState() async throws {
        guard stateStore != nil, !state.withLockedValue({ $0.loaded }) else { return }
        let restored = try await savedStates()
        state.withLockedValue { $0.diff.merge(restored) { current, _ in current }; $0.loaded = true }
        if !restored.isEmpty { logger.info("restored diff state", metadata: ["servers": "\(restored.count)"]) }
    }

    /// The diff states in the store, by server.
    func savedStates() async throws -> [String: DiffState] {
        guard let stateStore else { return [:] }
        let saved = try await stateStore.loadPollerStates()
        var restored: [String: DiffState] = [:]
        let decoder = JSONDecoder()
        for (key, data) in saved where key.hasPrefix("diff/") {
            if let s = try? decoder.decode(DiffState.self, from: data) { restored[String(key.dropFirst(5))] = s }
        }
        return restored
    }

    // MARK: - Leadership

    /// One leadership contact (see ``LeadershipGate/keep(now:takeOver:refresh:)``); tests drive it.
    func keepLeadership(_ l: PollerLeadership, now: Date) async -> (leading: Bool, nextContact: Date) {
        guard let gate else { return (true, now) }
        return await gate.keep(now: now, takeOver: takeOver, refresh: refreshSubscriptions)
    }

    /// The handover: the requests the previous leader spent this minute count against this
    /// instance's budget (``SharedBudget``); the diff state as it last saved it replaces what this
    /// instance remembers (it may have led before, with an older state), and the subscriptions
    /// are reloaded. Events the previous leader had already enqueued come again with the same
    /// ids and are skipped by the outbox.
    func takeOver(_ now: Date) async throws {
        let restored = try await savedStates()
        var spent: [Date] = []
        if let stateStore, let gate { spent = try await SharedBudget.load(job: gate.leadership.name, store: stateStore) }
        state.withLockedValue { s in
            s.diff = restored
            s.loaded = true
            s.lastRun = [:]
            s.budget.restore(spent, now: now)
        }
        try await refreshSubscriptions(now)
        if !restored.isEmpty { logger.info("took over diff state", metadata: ["servers": "\(restored.count)"]) }
    }

    /// Reloads the active subscriptions from the store into the matcher.
    func refreshSubscriptions(_ now: Date) async throws {
        live.replaceAll(try await pipeline.subscriptions.allActive())
    }

    // MARK: - One step

    /// The plan for the current subscriptions and world.
    public func currentPlan(now: Date) -> PollPlan {
        let interests = live.interests
        let needs = state.withLockedValue { s in
            PollNeeds(servers: s.servers, flightServer: s.flightServer, airportsWithATC: s.airportsWithATC, watchedFlights: s.watched)
        }
        var tasks = needs.tasks(for: interests, now: now, maxFlightPlans: configuration.maxFlightPlans)
        if tasks.contains(where: { if case .flights = $0 { true } else { false } }) { tasks.insert(.aircraftNames) }
        let limit = state.withLockedValue { $0.budget.limit(at: now) }
        return PollPlan.make(tasks: tasks, limit: limit,
                             minimumFlightsInterval: configuration.flightsInterval, sessionsInterval: configuration.sessionsInterval)
    }

    /// Runs the most urgent due request (if the budget allows) and returns when to look again.
    @discardableResult
    public func step(now: Date) async -> Date {
        let plan = currentPlan(now: now)
        notePlan(plan)
        // ATC rides with its server's flights request (same interval): never on its own.
        let intervals = Dictionary(plan.entries.map { ($0.task, $0.interval) }, uniquingKeysWith: { a, _ in a })
        let candidates = plan.entries.filter { if case .atc = $0.task { return false }; return true }
        let (due, next) = state.withLockedValue { s -> (PollTask?, Date) in
            var best: (task: PollTask, at: Date)?
            var earliest = now.addingTimeInterval(60)
            for e in candidates {
                // A failed sessions read is retried soon (5 s doubling to 60 s), not a whole interval later.
                let failures = e.task == .sessions ? s.sessionFailures : 0
                let interval = failures > 0 ? RequestBudget.retryDelay(afterFailures: failures) : e.interval
                let at = s.lastRun[e.task].map { $0.addingTimeInterval(interval) } ?? now
                if at <= now {
                    if best == nil || e.task < best!.task || (!(best!.task < e.task) && at < best!.at) { best = (e.task, at) }
                } else {
                    earliest = min(earliest, at)
                }
            }
            return (best?.task, earliest)
        }
        guard let task = due else { return next }
        let allowed = state.withLockedValue { $0.budget.nextAllowed(at: now) }
        if allowed > now { return allowed }
        await perform(task, atcInterval: intervals[atcTask(task) ?? .sessions], now: now)
        return now
    }

    func atcTask(_ task: PollTask) -> PollTask? {
        if case .flights(let server) = task { return .atc(server: server) }
        return nil
    }

    /// Spends one request from the budget; false when it is used up. With several instances the
    /// spend is written to the store before the request goes out (``SharedBudget``); when that
    /// write fails, the request is not sent.
    func spend(_ now: Date) async -> Bool {
        let ok = state.withLockedValue { $0.budget.spend(at: now) }
        guard ok else { return false }
        Gauge(label: "squawk_upstream_budget_used").record(state.withLockedValue { $0.budget.used(at: now) })
        return await shareBudget(now)
    }

    /// Writes the budget for the next leader (cluster mode only); false when the store refused.
    func shareBudget(_ now: Date) async -> Bool {
        guard let gate, let stateStore else { return true }
        do {
            try await SharedBudget.save(state.withLockedValue { $0.budget.spent }, job: gate.leadership.name, store: stateStore, now: now)
            return true
        } catch {
            logger.warning("cannot record the request budget in the store; request not sent", metadata: ["error": "\(error)"])
            return false
        }
    }

    func perform(_ task: PollTask, atcInterval: Double?, now: Date) async {
        guard await spend(now) else { return }
        state.withLockedValue { $0.lastRun[task] = now }
        let started = ContinuousClock.now
        do {
            switch task {
            case .sessions:
                do {
                    let servers = try await upstream.servers()
                    state.withLockedValue { $0.servers = servers; $0.sessionFailures = 0 }
                } catch {
                    state.withLockedValue { $0.sessionFailures += 1 }
                    throw error
                }
            case .flights(let server):
                let flights = try await upstream.flightSamples(server: server)
                var atc: [ATCFrequency]?
                if let atcInterval, let atcTask = atcTask(task) {
                    let atcDue = state.withLockedValue { s in s.lastRun[atcTask].map { now.timeIntervalSince($0) >= atcInterval - 0.001 } ?? true }
                    if atcDue, await spend(now) {
                        state.withLockedValue { $0.lastRun[atcTask] = now }
                        atc = try await upstream.frequencies(server: server)
                        record(.atc(server: server), "ok", started)
                    }
                }
                try await snapshot(server: server, flights: flights, atc: atc, now: now)
            case .atc:
                break
            case .flightPlan(let server, let flight):
                let plan = try await upstream.planSummary(server: server, flight: flight)
                state.withLockedValue { s in
                    if let plan { s.pendingPlans[server, default: [:]][flight] = plan; s.plans[flight] = plan }
                }
            case .atis(let server, let airport):
                let text = try await upstream.atisText(server: server, airport: airport)
                state.withLockedValue { $0.pendingATIS[server, default: [:]][airport] = .some(text) }
            case .world:
                break
            case .aircraftNames:
                let names = try await upstream.aircraftNames()
                state.withLockedValue { $0.names = names }
            }
            record(task, "ok", started)
        } catch let limited as UpstreamRateLimited {
            let wait = limited.retryAfter?.timeInterval ?? configuration.defaultBackoff
            state.withLockedValue { $0.budget.block(until: now.addingTimeInterval(max(1, wait)), now: now) }
            _ = await shareBudget(now)
            record(task, "rate_limited", started)
            logger.warning("Live API answered 429; backing off", metadata: ["seconds": "\(Int(wait.rounded()))", "request": "\(Self.endpoint(task))"])
        } catch let e as StoreError where e.code == .notLeader {
            record(task, "fenced", started)
            gate?.fenced()
        } catch {
            record(task, "error", started)
            logger.warning("Live API request failed", metadata: ["request": "\(Self.endpoint(task))", "error": "\(error)"])
        }
    }

    /// Builds the server's snapshot, diffs it, publishes the events and saves the diff state.
    func snapshot(server: String, flights: [FlightSample], atc: [ATCFrequency]?, now: Date) async throws {
        let (events, data, kept) = state.withLockedValue { s -> ([FlightEvent], DiffState, Snapshot) in
            let ref = s.servers.first { $0.id == server } ?? ServerRef(id: server, name: server)
            let snap = Snapshot(server: ref, takenAt: now, flights: flights, atc: atc,
                                flightPlans: s.pendingPlans.removeValue(forKey: server) ?? [:],
                                atis: s.pendingATIS.removeValue(forKey: server) ?? [:])
            // Diffed on a copy: the new state is kept only once its events are in the outbox.
            var diff = s.diff[server] ?? DiffState()
            var events = SnapshotDiffer.apply(snap, to: &diff, config: configuration.diff)
            if !s.names.isEmpty { events = events.map(s.names.named) }
            var kept = snap
            if kept.atc == nil { kept.atc = s.latest[server]?.atc }
            s.latest[server] = kept
            var flightServer: [String: String] = [:]
            for (id, snap) in s.latest { for f in snap.flights { flightServer[f.flightId.lowercased()] = id } }
            s.flightServer = flightServer
            s.airportsWithATC[server] = Set((kept.atc ?? []).compactMap { $0.airportICAO?.uppercased() })
            // Forget plans of flights no snapshot shows any more.
            s.plans = s.plans.filter { flightServer[$0.key.lowercased()] != nil }
            return (events, diff, kept)
        }
        let watchedNow = watched(kept)
        state.withLockedValue { $0.watched[server] = watchedNow }
        // Events and the state they lead to, in one transaction (the state store is the outbox's
        // database), under the lease when there is one: a leader that stalled past its lease
        // writes nothing over its successor's work.
        let commit = stateStore == nil ? nil
            : PollCommit(states: (try? JSONEncoder().encode(data)).map { ["diff/\(server)": $0] } ?? [:], fence: gate?.fence(at: self.now()), at: now)
        try await pipeline.publish(events, now: now, commit: commit)
        state.withLockedValue { $0.diff[server] = data }
    }

    // MARK: - Helpers

    /// Online flights on a snapshot that some subscription wanting plan events watches.
    private func watched(_ snapshot: Snapshot) -> [String] {
        let probes = snapshot.flights.map { f in
            FlightEvent(id: "", type: .planChanged, at: snapshot.takenAt, server: snapshot.server, flightId: f.flightId,
                        userId: f.userId, username: f.username, callsign: f.callsign)
        }
        let matches = live.match(probes)
        return zip(snapshot.flights, matches).filter { !$0.1.isEmpty }.map(\.0.flightId)
    }

    private func notePlan(_ plan: PollPlan) {
        let (changed, warn) = state.withLockedValue { s -> (Bool, Bool) in
            let changed = s.lastPlan != plan
            s.lastPlan = plan
            let warn = plan.degraded && !s.warnedDegraded
            s.warnedDegraded = plan.degraded
            return (changed, warn)
        }
        Gauge(label: "squawk_poll_plan_stretch").record(plan.stretch)
        Gauge(label: "squawk_poll_plan_requests_per_minute").record(plan.requestsPerMinute)
        if changed { logger.info("polling plan", metadata: ["plan": "\(plan.summary)"]) }
        if warn {
            logger.warning("subscriptions need more Live API requests than the budget allows; intervals stretched",
                           metadata: ["plan": "\(plan.summary)"])
        }
    }

    private func record(_ task: PollTask, _ outcome: String, _ started: ContinuousClock.Instant) {
        let endpoint = Self.endpoint(task)
        Counter(label: "squawk_upstream_requests_total", dimensions: [("endpoint", endpoint), ("outcome", outcome)]).increment()
        Timer(label: "squawk_upstream_request_duration_seconds", dimensions: [("endpoint", endpoint)])
            .record(duration: ContinuousClock.now - started)
    }

    static func endpoint(_ task: PollTask) -> String {
        switch task {
        case .sessions: "sessions"
        case .flights: "flights"
        case .atc: "atc"
        case .world: "world"
        case .atis: "atis"
        case .flightPlan: "flightplan"
        case .aircraftNames: "aircraft_names"
        }
    }

    // MARK: - LiveFlightDirectory (FLIFO route)

    public func latestFlights() async -> [LiveFlightView]? {
        state.withLockedValue { s in
            guard !s.latest.isEmpty else { return nil }
            return s.latest.values.sorted { $0.server.id < $1.server.id }.flatMap { snap in
                let diff = s.diff[snap.server.id]
                return snap.flights.map { f in
                    LiveFlightView(server: snap.server, flight: f, plan: s.plans[f.flightId],
                                   airborne: diff?.phase(ofFlight: f.flightId).map { $0 == .airborne })
                }
            }
        }
    }

    /// What `/v1/status` shows.
    public func status(now: Date) async -> ServiceStatus {
        let plan = currentPlan(now: now)
        let polled = Set(plan.entries.compactMap { e -> String? in if case .flights(let s) = e.task { return s }; return nil })
        let active = live.count
        return state.withLockedValue { s in
            let servers = s.servers.map { ref in
                ServiceStatus.Server(id: ref.id, name: ref.name, polled: polled.contains(ref.id),
                                     lastSnapshotAgeSeconds: s.latest[ref.id].map { now.timeIntervalSince($0.takenAt) },
                                     flights: s.latest[ref.id]?.flights.count ?? 0)
            }
            return ServiceStatus(upstreamReady: !s.servers.isEmpty, servers: servers, plan: plan.summary,
                                 planRequestsPerMinute: plan.requestsPerMinute, budgetPerMinute: configuration.effectiveRequestsPerMinute,
                                 budgetUsedLastMinute: s.budget.used(at: now), degraded: plan.degraded,
                                 activeSubscriptions: active, pollingLeader: gate?.isLeader(at: now), queue: nil)
        }
    }

    /// Flights the diff state tracks, all servers together (restored from the store at start).
    public var trackedFlights: Int { state.withLockedValue { $0.diff.values.reduce(0) { $0 + $1.flightCount } } }

    /// Requests the budget has spent in the last minute (for tests and metrics).
    public func budgetUsed(at now: Date) -> Int { state.withLockedValue { $0.budget.used(at: now) } }
}
