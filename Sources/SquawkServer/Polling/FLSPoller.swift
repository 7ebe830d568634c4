import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import ServiceLifecycle
import SquawkCore
import SquawkFLS
import SquawkStore

/// One configured FLS server. Its client may arrive after start (the embedded simulator's port
/// is known only once it listens); any ``FLSUpstream`` will do (tests script one).
public final class FLSInstance: Sendable {
    /// The name subscriptions use (`fls_club` target id), lower-case.
    public let name: String
    private let box: NIOLockedValueBox<(any FLSUpstream)?>

    public init(name: String, client: (any FLSUpstream)? = nil) {
        self.name = name.lowercased()
        self.box = NIOLockedValueBox(client)
    }

    public var client: (any FLSUpstream)? { box.withLockedValue { $0 } }
    public func set(_ client: any FLSUpstream) { box.withLockedValue { $0 = client } }
}

/// Settings of the FLS poller.
public struct FLSPollerConfiguration: Sendable {
    /// Seconds between polls of one instance's `modified` feed.
    public var interval: Double = 60
    /// Requests per minute per instance (token, feed and flight fetches together).
    public var requestsPerMinute = 12
    /// Each poll asks for changes since the previous poll's server time minus this, so a change
    /// written while the previous answer was being built is not missed (the diff is idempotent).
    public var overlap: Double = 120
    /// The first poll of an instance (no saved state) reads this far back, silently.
    public var lookback: Double = 86_400
    /// Wait after the server refused the credentials.
    public var credentialBackoff: Double = 300
    public init() {}
}

/// Polls each configured FLS instance's `exchange/modified/{since}` feed while a subscription
/// wants it (an `fls_club` target naming it, or any `fls_flight` target), diffs the records
/// (``FLSDiffer``) and publishes the events through the same pipeline as the Live API's.
///
/// Each instance has its own ``RequestBudget``, checked before every request (the token request
/// included). The diff state is saved with each publish, in its transaction, under `fls/<instance>`; the records
/// themselves stay in memory for the length of one step.
///
/// The first poll of an instance (no saved state, or a saved cursor older than
/// ``FLSPollerConfiguration/lookback``), and the first after a pause in which no subscription
/// wanted it, *seed*: they record the current picture without raising events. A restart with a
/// recent saved cursor catches up instead, so an outage of Squawk loses nothing.
public final class FLSPoller: Service, Sendable {
    let instances: [FLSInstance]
    let pipeline: EventPipeline
    let live: LiveSubscriptions
    let stateStore: (any PollerStateStore)?
    let configuration: FLSPollerConfiguration
    let logger: Logger
    let now: @Sendable () -> Date
    /// When several instances share the store: poll only while holding this lease (nil: always).
    let gate: LeadershipGate?
    private let state: NIOLockedValueBox<State>

    struct PerInstance {
        var budget: RequestBudget
        var diff = FLSDiffState()
        var lastPoll: Date?
        var notBefore: Date?
        /// Flight ids the feed named without their data, still to fetch.
        var toFetch: [String] = []
        var lastError: String?
        /// Whether a subscription wanted the instance at the last step (memory only).
        var wanted = false
        /// The next poll records without raising (first poll, or nobody watched for a while).
        var reseed = false
    }

    struct State {
        var instances: [String: PerInstance] = [:]
        var loaded = false
    }

    public init(instances: [FLSInstance], pipeline: EventPipeline, live: LiveSubscriptions, stateStore: (any PollerStateStore)?,
                configuration: FLSPollerConfiguration = .init(), logger: Logger = Logger(label: "squawk.fls"),
                now: @escaping @Sendable () -> Date = { Date() }, leadership: PollerLeadership? = nil) {
        self.gate = leadership.map { LeadershipGate($0, logger: logger) }
        self.instances = instances
        self.pipeline = pipeline
        self.live = live
        self.stateStore = stateStore
        self.configuration = configuration
        self.logger = logger
        self.now = now
        var s = State()
        for i in instances { s.instances[i.name] = PerInstance(budget: RequestBudget(limit: configuration.requestsPerMinute)) }
        state = NIOLockedValueBox(s)
    }

    // MARK: - Service

    public func run() async throws {
        if gate == nil { try await loadState() }
        await PollLoop.run(live: live, gate: gate, now: now, takeOver: takeOver, refresh: refreshSubscriptions, step: step)
    }

    /// The handover to this instance: the requests the previous leader spent this minute count
    /// against the budgets, the diff states (and cursors) it saved replace what this instance
    /// remembers, and the subscriptions are reloaded.
    func takeOver(_ now: Date) async throws {
        let saved = try await savedStates()
        var spent: [String: [Date]] = [:]
        if let stateStore, let gate {
            for i in instances { spent[i.name] = try await SharedBudget.load(job: gate.leadership.name + "/" + i.name, store: stateStore) }
        }
        state.withLockedValue { s in
            for name in s.instances.keys {
                s.instances[name]?.budget.restore(spent[name] ?? [], now: now)
                s.instances[name]?.diff = saved[name] ?? FLSDiffState()
                s.instances[name]?.lastPoll = nil
                s.instances[name]?.toFetch = []
            }
            s.loaded = true
        }
        try await refreshSubscriptions(now)
    }

    /// Reloads the active subscriptions (created through other instances' APIs too).
    func refreshSubscriptions(_ now: Date) async throws {
        live.replaceAll(try await pipeline.subscriptions.allActive())
    }

    /// Restores the diff states saved by a previous run.
    public func loadState() async throws {
        guard stateStore != nil, !state.withLockedValue({ $0.loaded }) else { return }
        let saved = try await savedStates()
        state.withLockedValue { s in
            for (name, diff) in saved where s.instances[name] != nil { s.instances[name]?.diff = diff }
            s.loaded = true
        }
    }

    /// The saved diff states, by instance name.
    func savedStates() async throws -> [String: FLSDiffState] {
        guard let stateStore else { return [:] }
        let decoder = JSONDecoder()
        var out: [String: FLSDiffState] = [:]
        for (key, data) in try await stateStore.loadPollerStates() where key.hasPrefix("fls/") {
            if let diff = try? decoder.decode(FLSDiffState.self, from: data) { out[String(key.dropFirst(4))] = diff }
        }
        return out
    }

    // MARK: - One step

    /// The instances some active subscription wants polled now.
    public func wantedInstances(now: Date) -> Set<String> {
        var wanted: Set<String> = []
        var anyFlight = false
        for i in live.flsInterests where i.expiresAt.map({ $0 > now }) ?? true {
            switch i.kind {
            case .flsClub: wanted.insert(i.targetId.lowercased())
            case .flsFlight: anyFlight = true
            default: break
            }
        }
        let names = Set(instances.map(\.name))
        return anyFlight ? names : wanted.intersection(names)
    }

    /// Polls every due, wanted instance once and returns when to look again.
    @discardableResult
    public func step(now: Date) async -> Date {
        let wanted = wantedInstances(now: now)
        state.withLockedValue { s in
            for name in s.instances.keys {
                let isWanted = wanted.contains(name)
                // Watched again after a pause: what changed meanwhile is history, not news.
                if isWanted, s.instances[name]?.wanted == false, s.instances[name]?.lastPoll != nil { s.instances[name]?.reseed = true }
                s.instances[name]?.wanted = isWanted
            }
        }
        var next = now.addingTimeInterval(configuration.interval)
        for instance in instances where wanted.contains(instance.name) {
            let due = state.withLockedValue { s -> Date in
                let p = s.instances[instance.name]
                let byInterval = p?.lastPoll.map { $0.addingTimeInterval(configuration.interval) } ?? now
                return max(byInterval, p?.notBefore ?? now)
            }
            if due <= now {
                await poll(instance, now: now)
                let again = state.withLockedValue { s in
                    max(now.addingTimeInterval(configuration.interval), s.instances[instance.name]?.notBefore ?? now)
                }
                next = min(next, again)
            } else {
                next = min(next, due)
            }
        }
        return next
    }

    /// One poll of one instance: token if needed, the feed, records the feed only named.
    func poll(_ instance: FLSInstance, now: Date) async {
        guard let client = instance.client else { return }
        let name = instance.name
        state.withLockedValue { $0.instances[name]?.lastPoll = now }
        do {
            if client.needsToken {
                guard await spend(name, now) else { return }
                try await client.authenticateIfNeeded()
            }
            guard await spend(name, now) else { return }
            let (cursor, seeding) = state.withLockedValue { s -> (Date, Bool) in
                let lookback = now.addingTimeInterval(-configuration.lookback)
                guard let p = s.instances[name], let c = p.diff.cursor, c > lookback else { return (lookback, true) }
                // After a restart the saved cursor is caught up from (at-least-once); after a
                // pause in watching, only the current picture is recorded.
                return (p.reseed ? lookback : c.addingTimeInterval(-configuration.overlap), p.reseed)
            }
            let reply = try await client.modifiedFlights(since: cursor)
            count(name, "ok")
            var flights = reply.flights.filter { !$0.legs.isEmpty }
            var pending = state.withLockedValue { $0.instances[name]?.toFetch ?? [] }
            pending += reply.flights.filter { $0.legs.isEmpty }.compactMap(\.key)
            // Records the feed only named are fetched one by one while the budget lasts.
            while let id = pending.first, await spend(name, now) {
                pending.removeFirst()
                if let record = try await fetch(client, id: id, instance: name) { flights.append(record) }
            }
            // Diff on a copy: the new state is kept only once its events are in the outbox, so a
            // store failure leaves the cursor where it was and the next poll reads the window again.
            guard var next = state.withLockedValue({ $0.instances[name]?.diff }) else { return }
            let events = FLSDiffer.diff(&next, flights: flights, instance: name, observedAt: now, seeding: seeding)
            next.cursor = reply.serverDate ?? now
            next.prune(now: now)
            // Events, state and cursor in one transaction, under the lease when there is one.
            let commit = stateStore == nil ? nil
                : PollCommit(states: ["fls/" + name: try JSONEncoder().encode(next)], fence: gate?.fence(at: self.now()), at: now)
            try await pipeline.publish(events, now: now, commit: commit)
            state.withLockedValue { s in
                s.instances[name]?.diff = next
                s.instances[name]?.toFetch = pending
                s.instances[name]?.lastError = nil
                s.instances[name]?.reseed = false
            }
            if seeding { logger.info("FLS instance seeded", metadata: ["instance": "\(name)", "legs": "\(next.legs.count)"]) }
        } catch let e as StoreError where e.code == .notLeader {
            gate?.fenced()
        } catch let e as FLSError {
            count(name, "error")
            handle(e, instance: name, now: now)
            if case .rateLimited = e.code { _ = await shareBudget(name, now) }
        } catch {
            // The store failed: nothing changed (events and state are one transaction), the next
            // poll reads the same window.
            logger.error("FLS poll not completed", metadata: ["instance": "\(name)", "error": "\(error)"])
        }
    }

    /// One record by id; nil when the server no longer has it (deleted since the feed named it).
    func fetch(_ client: any FLSUpstream, id: String, instance name: String) async throws -> FLSFlightDetails? {
        let result: Result<FLSFlightDetails, FLSError>
        do { result = .success(try await client.flight(id: id)) } catch { result = .failure(error) }
        switch result {
        case .success(let record):
            count(name, "ok")
            return record
        case .failure(let error):
            guard error.code == .notFound else { throw error }
            count(name, "not_found")
            return nil
        }
    }

    func handle(_ e: FLSError, instance name: String, now: Date) {
        let message = e.description
        let repeated = state.withLockedValue { s -> Bool in
            let same = s.instances[name]?.lastError == message
            s.instances[name]?.lastError = message
            switch e.code {
            case .badCredentials: s.instances[name]?.notBefore = now.addingTimeInterval(configuration.credentialBackoff)
            case .rateLimited(let after):
                let until = now.addingTimeInterval(min(max(after ?? 60, 1), 3600))
                s.instances[name]?.notBefore = until
                s.instances[name]?.budget.block(until: until, now: now)
            default: break
            }
            return same
        }
        if !repeated { logger.warning("FLS poll failed", metadata: ["instance": "\(name)", "error": "\(message)"]) }
    }

    /// Takes one request from the instance's budget; false when it has none left this minute.
    /// With several instances the spend is written to the store first (``SharedBudget``).
    func spend(_ name: String, _ now: Date) async -> Bool {
        guard state.withLockedValue({ $0.instances[name]?.budget.spend(at: now) ?? false }) else {
            count(name, "budget_exhausted")
            return false
        }
        return await shareBudget(name, now)
    }

    /// Writes the instance's budget for the next leader (cluster mode only); false when the
    /// store refused (then the request is not sent).
    func shareBudget(_ name: String, _ now: Date) async -> Bool {
        guard let gate, let stateStore, let spent = state.withLockedValue({ $0.instances[name]?.budget.spent }) else { return true }
        do {
            try await SharedBudget.save(spent, job: gate.leadership.name + "/" + name, store: stateStore, now: now)
            return true
        } catch {
            logger.warning("cannot record the FLS request budget in the store; request not sent", metadata: ["instance": "\(name)", "error": "\(error)"])
            return false
        }
    }

    private func count(_ instance: String, _ outcome: String) {
        Counter(label: "squawk_fls_requests_total", dimensions: [("instance", instance), ("outcome", outcome)]).increment()
    }

    /// What `/v1/status` shows of each instance.
    public func status(now: Date) -> [ServiceStatus.FLSInstanceStatus] {
        let wanted = wantedInstances(now: now)
        return state.withLockedValue { s in
            instances.map { i in
                let p = s.instances[i.name]
                return .init(name: i.name, polled: wanted.contains(i.name), lastPollAgeSeconds: p?.lastPoll.map { now.timeIntervalSince($0) },
                             lastError: p?.lastError, legsTracked: p?.diff.legs.count ?? 0, budgetPerMinute: configuration.requestsPerMinute,
                             budgetUsedLastMinute: p?.budget.used(at: now) ?? 0)
            }
        }
    }

    /// The instance's diff state (tests).
    public func diffState(_ instance: String) -> FLSDiffState? { state.withLockedValue { $0.instances[instance.lowercased()]?.diff } }
}
