import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import ServiceLifecycle
import SquawkCore
import SquawkHTTP
import SquawkStore

/// Settings of the dispatcher.
public struct DispatcherConfiguration: Sendable {
    /// Deliveries claimed per transaction (claims and acknowledgements are batched: one durable
    /// commit per job would cap the queue at ~1–2k/s on this kind of disk; ../shared/FACTS.md).
    /// 256 by default: every delivery of a batch to an endpoint past its pace is put back, so a
    /// larger batch aimed at one busy endpoint rewrites more rows per claim for nothing (a
    /// 3-instance CI run with one receiver endpoint did not drain in time at 1,024). Against many
    /// endpoints larger batches drain faster (`squawk bench dispatch` uses 1,024).
    public var batchSize = 256
    /// A crashed worker's claims come back after this.
    public var lease: Duration = .seconds(60)
    /// Sends in flight at once, all endpoints together.
    public var concurrency = 128
    /// Batches in flight at once in ``Dispatcher/run()`` (claiming, sending, acknowledging overlap).
    public var pipelineDepth = 3
    public var connectTimeout: Duration = .seconds(5)
    /// Standard Webhooks: success is a 2xx within 15 s.
    public var requestTimeout: Duration = .seconds(15)
    /// How long to wait for new work when the queue is empty.
    public var idleWait: Duration = .milliseconds(200)
    public var retryPolicy = RetryPolicy.standard
    /// A subscription whose attempts have all failed for this long is disabled (default 5 days).
    public var disableAfter: TimeInterval = 5 * 86_400
    public var maxResponseBytes = 64 * 1024

    public init() {}
}

/// Something the operator should hear about (exhausted deliveries, disabled subscriptions).
public struct OperationalEvent: Sendable, Hashable {
    public enum Kind: String, Sendable { case deliveryFailed = "operational.delivery_failed", subscriptionDisabled = "operational.subscription_disabled" }
    public var kind: Kind
    public var subscriptionId: String
    public var deliveryId: String?
    public var reason: String
    public var at: Date
}

/// Claims due deliveries, renders, signs and sends them, records every attempt and asks the
/// pure ``DeliveryDecision`` what happens next (DESIGN.md flow 5).
///
/// ``tick(now:)`` is one whole cycle (claim a batch → send all → acknowledge all in one
/// transaction); tests drive it with a mock clock. ``run()`` repeats it until shutdown; on
/// graceful shutdown it stops claiming and lets the batch in flight finish (bounded by the
/// request timeout), so nothing is lost: an unfinished claim simply comes back when its lease ends.
public final class Dispatcher: Service, Sendable {
    let store: any DeliveryStore
    let transport: any HTTPTransport
    let renderer: PayloadRenderer
    let endpointPolicy: EndpointPolicy
    let configuration: DispatcherConfiguration
    let logger: Logger
    /// All of the dispatcher's time: what is due, leases, deadlines, idle waits.
    let clock: any SquawkClock
    /// Retry jitter.
    let random: RandomSource
    let onOperationalEvent: @Sendable (OperationalEvent) async -> Void
    /// Where live cards are kept: the store, when it keeps them.
    let cards: (any ChatCardStore)?
    /// Chat receivers' budgets shared with other instances (Dispatcher+SharedBudget.swift); nil: this instance's alone.
    let sharedBudget: SharedReceiverBudget?
    let state: NIOLockedValueBox<State>
    /// Secrets made ready to sign with, by secret (a claim names a subscription's valid secrets;
    /// one that expired is simply never asked for again). Emptied when it reaches
    /// ``signingKeyLimit`` entries, so rotations cannot grow it without bound.
    private let signingKeys = NIOLockedValueBox<[String: WebhookSigner.SigningKey]>([:])
    static let signingKeyLimit = 10_000
    /// Set by graceful shutdown.
    private let stopping = NIOLockedValueBox(false)
    /// Whether graceful shutdown has reached ``run()``: no claim starts from now on.
    var isStopping: Bool { stopping.withLockedValue { $0 } }

    struct State {
        var limiter = EndpointLimiter()
        /// A wake-up that arrived while nobody was waiting.
        var pendingWake = false
        var waiter: CheckedContinuation<Void, Never>?
        /// Events of each chat subscription that expired unsent and are not yet summarised.
        var missed: [String: Missed] = [:]
        /// The ``NewDeliveryHold`` last stored for each chat subscription.
        var newDue: [String: Date] = [:]
    }

    public init(store: any DeliveryStore, transport: any HTTPTransport, renderer: PayloadRenderer = PayloadRenderer(),
                endpointPolicy: EndpointPolicy, configuration: DispatcherConfiguration = .init(),
                limiter: EndpointLimiter = EndpointLimiter(), logger: Logger = Logger(label: "squawk.dispatcher"),
                clock: any SquawkClock = SystemClock(), random: RandomSource = .system, sharedLedger: (any SharedSendLedger)? = nil,
                onOperationalEvent: @escaping @Sendable (OperationalEvent) async -> Void = { _ in }) {
        self.store = store
        self.transport = transport
        self.renderer = renderer
        self.endpointPolicy = endpointPolicy
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        self.random = random
        self.onOperationalEvent = onOperationalEvent
        self.cards = store as? any ChatCardStore
        self.sharedBudget = sharedLedger.map(SharedReceiverBudget.init)
        self.state = .init(State(limiter: limiter))
    }

    /// Tells an idle dispatcher that new deliveries were enqueued.
    public func wake() {
        let waiter = state.withLockedValue { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.pendingWake = true
            return nil
        }
        waiter?.resume()
    }

    /// Waits until ``wake()`` or `timeout`, whichever comes first (also ends on cancellation).
    func waitForWork(timeout: Duration) async {
        // A wake-up already here: no need to sleep (and no sleeper on the clock for a moment).
        let woken = state.withLockedValue { s in defer { s.pendingWake = false }; return s.pendingWake }
        if woken { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await self.clock.sleep(for: timeout)
                self.wake()
            }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLockedValue { s -> Bool in
                    if s.pendingWake {
                        s.pendingWake = false
                        return true
                    }
                    s.waiter = c
                    return false
                }
                if now { c.resume() }
            }
            group.cancelAll()
        }
    }

    // MARK: - Service

    public func run() async throws {
        // Graceful shutdown stops claiming; the batches in flight finish (bounded by the request
        // timeout) and are acknowledged. Anything claimed but unacknowledged returns after its lease.
        let stopping = self.stopping
        await withGracefulShutdownHandler {
            await self.pipeline(stopping: stopping)
        } onGracefulShutdown: {
            stopping.withLockedValue { $0 = true }
            self.wake()
        }
    }

    /// The production loop: ``tick(now:)``'s three steps, overlapped. While one batch is on the
    /// wire the next is claimed and the previous one acknowledged, so the database (one writer)
    /// and the network work at the same time instead of taking turns. At most
    /// `pipelineDepth` batches are in flight; ordering still holds because a group's next
    /// delivery cannot be claimed before the previous one is acknowledged.
    func pipeline(stopping: NIOLockedValueBox<Bool>) async {
        await withTaskGroup(of: (Int, [DeliveryCompletion], [OperationalEvent]).self) { group in
            var inFlight = 0
            var idle = false
            // When each batch in flight loses its claim, by batch number.
            var leases: [Int: Date] = [:]
            var batches = 0
            while true {
                let stop = stopping.withLockedValue { $0 } || Task.isCancelled
                // A claim as of now takes every row whose lease has ended, this dispatcher's own
                // unacknowledged ones too (sent, but their batch not yet back): a batch whose lease
                // is about to end is acknowledged first, or its deliveries would be sent twice.
                let ackFirst = leases.values.min().map { clock.now().addingTimeInterval(Self.claimMargin) >= $0 } ?? false
                if !stop, inFlight < configuration.pipelineDepth, !idle, !ackFirst {
                    do {
                        let claimedAt = clock.now()
                        let claimed = try await store.claim(limit: configuration.batchSize, now: claimedAt, lease: configuration.lease)
                        if claimed.isEmpty {
                            idle = true
                        } else {
                            let at = clock.now()
                            // The lease the store recorded, counted from before the claim: a claim
                            // that waited (for a pooled connection, behind a stalled writer) has
                            // that much less of it left, and another instance may take the rows
                            // back when it ends, whatever this clock said after the claim.
                            let leaseEnds = claimed.lazy.compactMap(\.delivery.leaseUntil).min()
                                ?? claimedAt.addingTimeInterval(configuration.lease.timeInterval)
                            let waited = at.timeIntervalSince(claimedAt)
                            if waited > configuration.lease.timeInterval / 5 {
                                logger.warning("a claim took a large part of its lease to return; what cannot be sent in time is handed back",
                                               metadata: ["seconds": "\(Int(waited))", "lease_seconds": "\(Int(configuration.lease.timeInterval))",
                                                          "deliveries": "\(claimed.count)"])
                            }
                            batches += 1
                            let batch = batches
                            leases[batch] = leaseEnds
                            group.addTask {
                                let (completions, operational) = await self.send(claimed, now: at, leaseEnds: leaseEnds)
                                return (batch, completions, operational)
                            }
                            inFlight += 1
                            continue
                        }
                    } catch {
                        logger.error("dispatcher claim failed", metadata: ["error": "\(error)"])
                        idle = true
                    }
                }
                if inFlight > 0, let (batch, completions, operational) = await group.next() {
                    inFlight -= 1
                    leases[batch] = nil
                    idle = false
                    do {
                        try await store.complete(completions)
                        for op in operational { await onOperationalEvent(op) }
                    } catch {
                        // Unacknowledged: the claims come back when their lease ends (at-least-once).
                        logger.error("dispatcher acknowledgement failed", metadata: ["error": "\(error)"])
                    }
                    continue
                }
                if stop { return }
                await sendDueSummaries(now: clock.now())
                await waitForWork(timeout: configuration.idleWait)
                idle = false
            }
        }
    }

    /// How close to a batch's lease end the pipeline stops claiming until that batch is back.
    static let claimMargin: TimeInterval = 0.5

    // MARK: - One cycle

    /// Claims a batch due at `now`, sends it, acknowledges it. Returns how many were handled.
    @discardableResult
    public func tick(now: Date) async throws -> Int {
        let claimed = try await store.claim(limit: configuration.batchSize, now: now, lease: configuration.lease)
        guard !claimed.isEmpty else { return 0 }
        let (completions, operational) = await send(claimed, now: now)
        try await store.complete(completions)
        for op in operational { await onOperationalEvent(op) }
        return claimed.count
    }

    /// Sends a claimed batch, at most `concurrency / pipelineDepth` at a time, and returns the
    /// outcomes. Everything to send is rendered and signed first, then handed to the transport
    /// as one batch (one hand-over, one resumption: ``HTTPTransport/send(all:concurrency:)``),
    /// and the outcomes are decided together.
    ///
    /// With `leaseEnds` (the pipelined loop, where a batch can wait behind others), no send
    /// runs past the claim's lease less a margin: the requests carry that as their deadline, so
    /// a slow receiver costs a timed-out attempt. And none starts once too little of the window
    /// is left for it (its timeout, at most half the window: `startBy`), since a send cut off by
    /// the deadline may have reached the receiver and would then be repeated. A delivery whose
    /// turn comes after that is not sent at all (another dispatcher may claim it once the lease
    /// ends, and sending it here too would deliver it twice). It is handed back instead, due at once, with no attempt
    /// counted, as a paced delivery is: the claim is still this dispatcher's until the lease ends,
    /// and if the hand-back comes later than that it names a claim that is no longer current and
    /// changes nothing.
    func send(_ claimed: [ClaimedDelivery], now: Date, leaseEnds: Date? = nil) async -> ([DeliveryCompletion], [OperationalEvent]) {
        var completions: [DeliveryCompletion] = []
        completions.reserveCapacity(claimed.count)
        var operational: [OperationalEvent] = []
        // On the dispatcher's clock: the last moment a send may end, and may start.
        var deadline: Date?
        var startBy: Date?
        if let leaseEnds {
            // Margin: a fifth of the lease, at most the request timeout.
            let margin = min(configuration.lease.timeInterval / 5, configuration.requestTimeout.timeInterval)
            let start = clock.now()
            let left = leaseEnds.addingTimeInterval(-margin).timeIntervalSince(start)
            deadline = start.addingTimeInterval(max(-1, left))
            let reserve = min(configuration.requestTimeout.timeInterval, max(0, left) / 2)
            startBy = start.addingTimeInterval(max(-1, left - reserve))
        }
        var expired: [ClaimedDelivery] = []
        var onCards: [ClaimedDelivery] = []
        var newDue: [String: Date] = [:]
        var sending: [[ClaimedDelivery]] = []
        var requests: [HTTPRequest] = []
        sending.reserveCapacity(claimed.count)
        requests.reserveCapacity(claimed.count)
        for whole in Self.units(claimed) {
            let c = whole[0]
            let sub = c.subscription
            // Too old to be worth sending (maxAge; chat formats: 15 min unless set): expired, not sent.
            var unit = whole
            if sub.status == .active, let maxAge = sub.delivery.effectiveMaxAge(sub.format) {
                let stale = unit.filter { now.timeIntervalSince($0.event.at) > Double(maxAge) }
                if !stale.isEmpty {
                    completions += stale.map { Self.expire($0, at: now, maxAge: maxAge) }
                    unit.removeAll { now.timeIntervalSince($0.event.at) > Double(maxAge) }
                }
                // A channel hears what it missed, at most once a minute, when its budget allows.
                if sub.format.isChat, let request = summary(c, adding: stale, now: now, deadline: deadline, startBy: startBy) {
                    sending.append([])
                    requests.append(request)
                }
                if unit.isEmpty { continue }
            }
            // A live card's flight events go out as posts and edits of the card (Dispatcher+Card).
            if cards != nil, sub.delivery.card == .live {
                onCards += unit.filter(Self.onCard)
                unit.removeAll(where: Self.onCard)
                if unit.isEmpty { continue }
            }
            // A chat subscription queues as a whole (its promise is the subscription's); any other
            // delivery on its own.
            let chat = unit.count > 1 || (sub.status == .active && sub.format.isChat)
            let key = chat ? "sub:" + sub.id : c.delivery.id
            var rest = unit[...]
            while !rest.isEmpty {
                if let startBy, clock.now() >= startBy {
                    expired += rest
                    break
                }
                // The endpoint's pace, under the lock the curl thread takes to give slots back:
                // nil where a message may go now, else when it may try again.
                let later = sub.status == .active
                    ? state.withLockedValue {
                        $0.limiter.acquire(sub.notifyEndpoint, format: sub.format, perMinute: sub.delivery.maxPerMinute, delivery: key, now: now, reserve: !chat)
                    } : nil
                guard chat else {
                    switch prepare(c, now: now, pacedUntil: later, deadline: deadline, startBy: startBy) {
                    case .decided(let completion, let op):
                        completions.append(completion)
                        if let op { operational.append(op) }
                    case .send(let request):
                        sending.append([c])
                        requests.append(request)
                    }
                    break
                }
                if let later {
                    // The rest waits, a message's worth to each slot promised to the subscription
                    // (never before the time the endpoint gave: a receiver's hold, a full in-flight cap).
                    let slots = state.withLockedValue {
                        $0.limiter.promiseEvents(sub.notifyEndpoint, format: sub.format, perMinute: sub.delivery.maxPerMinute, key: key,
                                                 events: rest.count, perMessage: sub.format.eventsPerMessage, now: now)
                    }
                    for (c, slot) in zip(rest, slots) { completions.append(Self.putBack(c, at: now, dueAt: max(later, slot))) }
                    if sub.delivery.card == nil {
                        newDue[sub.id] = max(later, state.withLockedValue {
                            $0.limiter.nextRoom(sub.notifyEndpoint, format: sub.format, perMinute: sub.delivery.maxPerMinute, key: key,
                                                perMessage: sub.format.eventsPerMessage, now: now)
                        })
                    }
                    break
                }
                if let held = await sharedBudgetRefusal(sub, now: now) { completions += rest.map { Self.putBack($0, at: now, dueAt: held) }; break }
                let (request, carried) = prepareMessage(Array(rest), now: now, deadline: deadline, startBy: startBy)
                sending.append(Array(rest.prefix(carried)))
                requests.append(request)
                rest = rest.dropFirst(carried)
            }
        }
        var cardSends: [Int: CardSend] = [:]
        if let cards {
            for c in onCards {
                if let startBy, clock.now() >= startBy {
                    expired.append(c)
                    continue
                }
                switch await prepareCard(c, cards: cards, now: now, deadline: deadline, startBy: startBy) {
                case .done(let completion): completions.append(completion)
                case .send(let request, let send):
                    cardSends[requests.count] = send
                    sending.append([c])
                    requests.append(request)
                }
            }
        }
        await holdNewDeliveries(newDue)
        let limit = max(1, configuration.concurrency / max(1, configuration.pipelineDepth))
        let exchanges = await transport.send(all: requests, concurrency: limit)
        for (i, (unit, exchange)) in zip(sending, exchanges).enumerated() {
            if case .failure(let error) = exchange.result, error.kind == .notSent {
                expired += unit
                continue
            }
            if let send = cardSends[i], let cards {
                let (completion, op) = await concludeCard(unit[0], send, exchange, cards: cards, now: now)
                completions.append(completion)
                if let op { operational.append(op) }
                continue
            }
            // Every event a message carried shares its outcome.
            for c in unit {
                let (completion, op) = conclude(c, exchange, now: now)
                completions.append(completion)
                if let op { operational.append(op) }
            }
        }
        await shareHolds(sending, exchanges, now: now)
        Self.count(completions)
        if !expired.isEmpty {
            let at = clock.now()
            for c in expired {
                completions.append(Self.putBack(c, at: at, dueAt: at))
            }
            Counter(label: "squawk_deliveries_total", dimensions: [("outcome", "lease_expired")]).increment(by: expired.count)
            logger.warning("claims ran out before their turn; handed back for the next claim", metadata: ["deliveries": "\(expired.count)"])
        }
        // Each completion names its claim, so a report that comes after the claim was lost
        // (lease ended, claimed again elsewhere) cannot undo the newer claim's work.
        let claims = Dictionary(claimed.map { ($0.delivery.id, $0.delivery.leaseUntil) }, uniquingKeysWith: { a, _ in a })
        for i in completions.indices { completions[i].claim = claims[completions[i].attempt.deliveryId] ?? nil }
        // Several deliveries of one subscription in a batch can each be told "gone": the
        // subscription is disabled once, so the operator hears of it once.
        var disabled = Set<String>()
        operational = operational.filter { $0.kind != .subscriptionDisabled || disabled.insert($0.subscriptionId).inserted }
        return (completions, operational)
    }

    /// Sends to `endpoint` in flight now, as the pacing sees them.
    func inFlight(_ endpoint: String) -> Int { state.withLockedValue { $0.limiter.inFlight(endpoint) } }

    /// The keys of `secrets`, in order, from the cache or made and cached; a secret that does
    /// not decode is skipped (as ``WebhookSigner/sign(id:timestamp:body:secrets:)`` does).
    func signingKeys(_ secrets: [String]) -> [WebhookSigner.SigningKey] {
        signingKeys.withLockedValue { cache in
            secrets.compactMap { secret in
                if let key = cache[secret] { return key }
                guard let key = try? WebhookSigner.SigningKey(secret: secret) else { return nil }
                if cache.count >= Self.signingKeyLimit { cache.removeAll(keepingCapacity: true) }
                cache[secret] = key
                return key
            }
        }
    }
}
