import Foundation
import NIOConcurrencyHelpers
import SquawkCore
import SquawkHTTP
import SquawkServer
import SquawkPostgres
import SquawkSQLite
import SquawkStore

/// Signed JSON deliveries per second through the durable SQLite outbox and the dispatcher, to a
/// receiver that is not the bottleneck (nginx with `scripts/nginx-bench.conf`), next to the
/// transport's raw rate measured in the same run; and enqueue→acknowledged latency at a steady
/// offered load.
///
/// Phase 1 (drain): `events` events, each for one of `endpoints` subscriptions (distinct receiver
/// URLs, as in real use; each endpoint keeps to its own rate limit), are enqueued, then the
/// dispatcher runs until the queue is empty. Phase 2 (steady): events are enqueued at `steadyRate`
/// a second for `steadySeconds` while the dispatcher runs as a service; latency is from the
/// enqueue call to the acknowledgement transaction (the receiver's 2xx is in hand by then).
/// Not a test: run it in release on an idle machine.
public enum DispatchBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var events: Int
        public var endpoints: Int
        public var enqueuePerSecond: Double
        public var deliveriesPerSecond: Double
        /// The transport's raw rate: the mean of a run just before the drain and one just after
        /// (the machine's speed drifts; one short run alone made the share swing by ±10 points).
        public var transportPerSecond: Double { (rawBefore + rawAfter) / 2 }
        public var rawBefore: Double
        public var rawAfter: Double
        public var steadyOffered: Double
        public var steadyDelivered: Int
        public var latencyP50: Double
        public var latencyP99: Double
        public var errors: Int
        /// Process CPU seconds (user + system, all threads) spent draining; the receiver's not included.
        public var drainCPUSeconds: Double

        public var description: String {
            String(format: """
            dispatch: %d events to %d endpoints through the SQLite outbox: enqueue %.0f rows/s; delivered %.0f signed deliveries/s \
            (%.0f %% of the transport's raw %.0f req/s in the same run: %.0f before the drain, %.0f after); %d not delivered; \
            CPU %.1f µs a delivery
            steady load %.0f events/s: %d delivered, enqueue→acknowledged p50 %.1f ms, p99 %.1f ms
            """, events, endpoints, enqueuePerSecond, deliveriesPerSecond, 100 * deliveriesPerSecond / max(1, transportPerSecond),
                          transportPerSecond, rawBefore, rawAfter, errors, drainCPUSeconds * 1e6 / Double(max(1, events - errors)), steadyOffered, steadyDelivered, latencyP50 * 1000, latencyP99 * 1000)
        }
    }

    /// `count` subscriptions, each to its own receiver path `base/hook/N`, with reproducible secrets.
    static func subscriptions(_ count: Int, base: String, at created: Date) -> [(Subscription, SigningSecret)] {
        var rng = SplitMix64(seed: 42)
        return (0..<count).map { i in
            (Subscription(id: "sub_bench_\(i)", ownerKeyId: "admin", target: .init(kind: .server, id: "Expert Server"),
                          events: [.takeoff], notifyEndpoint: "\(base)/hook/\(i)", createdAt: created),
             SigningSecret(secret: Identifiers.webhookSecret(using: &rng), createdAt: created))
        }
    }

    /// Bare POSTs per second from a transport of its own: 30,000 bodies of 600 bytes (about the
    /// size of a signed delivery), 128 in flight, to `base/raw`, handed over in one batch as the
    /// dispatcher hands over its claims.
    static func rawRate(_ base: String) async throws -> Double {
        try await TransportBenchmark.run(url: base + "/raw", requests: 30_000, concurrency: 128, bodyBytes: 600, batched: true).requestsPerSecond
    }

    /// The transport both dispatch benchmarks send through: enough connections for any setting.
    static func benchTransport() -> CurlTransport {
        CurlTransport(configuration: .init(maxConcurrentTransfers: 256, maxTotalConnections: 256, maxHostConnections: 256))
    }

    /// A production dispatcher over `store` with the benchmark's settings, loopback receivers allowed.
    static func benchDispatcher(_ store: any DeliveryStore, transport: CurlTransport, batchSize: Int, pipelineDepth: Int,
                                concurrency: Int) -> Dispatcher {
        var config = DispatcherConfiguration()
        config.batchSize = batchSize
        config.concurrency = concurrency
        config.pipelineDepth = pipelineDepth
        let policy = EndpointPolicy(allowList: [IPRange(cidr: "127.0.0.0/8")!, IPRange(cidr: "::1/128")!])
        return Dispatcher(store: store, transport: transport, endpointPolicy: policy, configuration: config)
    }

    /// Takeoff events numbered `range`, each for one of the subscriptions in turn.
    static func events(_ range: Range<Int>, subscriptionIds ids: [String], at: Date) -> [(event: FlightEvent, subscriptionIds: [String])] {
        let server = ServerRef(id: "bench", name: "Expert Server")
        return range.map { n in
            let e = FlightEvent(id: "evt_bench_\(n)", type: .takeoff, at: at, server: server, flightId: "flight-\(n)",
                                callsign: "DAL\(n % 9000)", airport: "KLAX",
                                data: ["groundSpeed": .number(152), "altitude": .number(180)])
            return (event: e, subscriptionIds: [ids[n % ids.count]])
        }
    }

    public static func run(url: String, events: Int = 50_000, endpoints: Int = 1_000, steadyRate: Double = 2_000,
                           steadySeconds: Double = 5, batchSize: Int = 1_024, pipelineDepth: Int = 3, concurrency: Int = 128,
                           progress: @Sendable (String) -> Void = { _ in }) async throws -> Result {
        let store = try SQLiteStore.temporary()
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let created = Date()
        let subs = subscriptions(endpoints, base: base, at: created)
        try await store.createBatch(subs)
        let ids = subs.map(\.0.id)
        func batch(_ range: Range<Int>, at: Date) -> [(event: FlightEvent, subscriptionIds: [String])] {
            DispatchBenchmark.events(range, subscriptionIds: ids, at: at)
        }

        // Enqueue in the poller's batch size (one transaction per snapshot's events).
        let clock = ContinuousClock()
        let enqueueTime = try await clock.measure {
            var n = 0
            while n < events {
                let m = min(1_000, events - n)
                _ = try await store.enqueue(batch(n..<(n + m), at: created), now: created)
                n += m
            }
        }
        progress("enqueued \(events)")
        let rawBefore = try await Self.rawRate(base)

        let transport = benchTransport()
        defer { transport.shutdown() }
        let timing = TimingStore(store)
        let dispatcher = benchDispatcher(timing, transport: transport, batchSize: batchSize, pipelineDepth: pipelineDepth, concurrency: concurrency)

        // The production loop (claims, sends and acknowledgements overlapped) until every
        // delivery is finished. Counted as the acknowledgements pass (``TimingStore``), not by
        // asking the database: a count over the queue every few milliseconds would take a good
        // part of a core from what is measured.
        let drainStart = clock.now
        let drainCPU = ProcessMeter.processCPUSeconds()
        let service = Task { try await dispatcher.run() }
        while timing.finishedCount < events, clock.now < drainStart + .seconds(300) {
            try await clock.sleep(for: .milliseconds(5))
        }
        let drain = clock.now - drainStart
        let drainCPUSeconds = ProcessMeter.processCPUSeconds() - drainCPU
        let stats = try await store.queueStats(now: Date())
        let undelivered = stats.pending + stats.inflight + (timing.finishedCount - timing.deliveredCount)
        progress("drained")

        let rawAfter = try await Self.rawRate(base)

        // Steady phase: the dispatcher keeps running; a producer at the offered rate.
        timing.reset()
        timing.measureLatency()
        let steadyEvents = Int(steadyRate * steadySeconds)
        let perTick = max(1, Int(steadyRate / 100))
        var produced = 0
        let start = clock.now
        while produced < steadyEvents {
            let m = min(perTick, steadyEvents - produced)
            let now = Date()
            let b = batch((events + produced)..<(events + produced + m), at: now)
            timing.enqueued(b.map(\.event.id), at: clock.now)
            _ = try await store.enqueue(b, now: now)
            dispatcher.wake()
            produced += m
            try await clock.sleep(until: start + .milliseconds(Int64(Double(produced) / steadyRate * 1000)))
        }
        let deadline = clock.now + .seconds(30)
        while timing.completedCount < steadyEvents, clock.now < deadline { try await clock.sleep(for: .milliseconds(20)) }
        service.cancel()
        let latencies = Summary(timing.latencies())
        return Result(events: events, endpoints: endpoints, enqueuePerSecond: Double(events) / enqueueTime.timeInterval,
                      deliveriesPerSecond: Double(events - undelivered) / drain.timeInterval, rawBefore: rawBefore, rawAfter: rawAfter,
                      steadyOffered: steadyRate, steadyDelivered: timing.completedCount, latencyP50: latencies?.p50 ?? 0, latencyP99: latencies?.p99 ?? 0,
                      errors: undelivered, drainCPUSeconds: drainCPUSeconds)
    }
}

/// A ``DeliveryStore`` that forwards to another and notes when each event was enqueued and when
/// its delivery was acknowledged (for the latency figures).
final class TimingStore: DeliveryStoreDecorator, Sendable {
    let base: any DeliveryStore
    struct Times {
        var enqueued: [String: ContinuousClock.Instant] = [:]
        var latency: [Double] = []
        /// Acknowledged as delivered, and as finished either way (delivered, failed).
        var delivered = 0
        var finished = 0
    }
    private let times = NIOLockedValueBox(Times())
    /// Delivery id → event id, learned at claim time.
    private let eventOf = NIOLockedValueBox([String: String]())

    init(_ base: any DeliveryStore) { self.base = base }

    func reset() { times.withLockedValue { $0 = Times() } }
    /// Whether claims are mapped to their events for latency (the steady phase). Off in the
    /// drain, whose figure is throughput: the map is bookkeeping the measured code does not do.
    private let mapsEvents = NIOLockedValueBox(false)
    func measureLatency() { mapsEvents.withLockedValue { $0 = true } }
    var deliveredCount: Int { times.withLockedValue { $0.delivered } }
    var finishedCount: Int { times.withLockedValue { $0.finished } }
    func enqueued(_ ids: [String], at t: ContinuousClock.Instant) { times.withLockedValue { for id in ids { $0.enqueued[id] = t } } }
    var completedCount: Int { times.withLockedValue { $0.latency.count } }
    func latencies() -> [Double] { times.withLockedValue { $0.latency } }

    func claim(limit: Int, now: Date, lease: Duration) async throws -> [ClaimedDelivery] {
        let claimed = try await base.claim(limit: limit, now: now, lease: lease)
        if mapsEvents.withLockedValue({ $0 }) { eventOf.withLockedValue { m in for c in claimed { m[c.delivery.id] = c.event.id } } }
        return claimed
    }
    func complete(_ completions: [DeliveryCompletion]) async throws {
        try await base.complete(completions)
        let done = ContinuousClock.now
        let delivered = completions.filter { if case .delivered = $0.next { true } else { false } }.map(\.attempt.deliveryId)
        let events = mapsEvents.withLockedValue { $0 } ? eventOf.withLockedValue { m in delivered.compactMap { m.removeValue(forKey: $0) } } : []
        let finished = completions.filter { if case .retry = $0.next { false } else { true } }.count
        times.withLockedValue { t in
            t.delivered += delivered.count
            t.finished += finished
            for e in events { if let start = t.enqueued.removeValue(forKey: e) { t.latency.append((done - start).timeInterval) } }
        }
    }
}

// MARK: - PostgreSQL, several instances

/// Deliveries per second through the PostgreSQL outbox with 1…N dispatcher instances sharing it
/// (`squawk bench dispatch --store postgres://… --instances N`). Each instance has its own
/// connection pool, transport and dispatcher, as separate `squawk serve` processes would; they
/// share the work through `FOR UPDATE SKIP LOCKED` claims. Each run uses a new schema
/// (`squawk_bench_…`) in that database. Drain phase only.
public enum PostgresDispatchBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var instances: Int
        public var events: Int
        public var deliveriesPerSecond: Double
        public var undelivered: Int
        /// Deliveries each instance made.
        public var perInstance: [Int]
        public var description: String {
            String(format: "postgres, %d instance(s): %d events delivered at %.0f signed deliveries/s (per instance: %@); %d not delivered",
                   instances, events - undelivered, deliveriesPerSecond, perInstance.map(String.init).joined(separator: " / "), undelivered)
        }
    }

    public static func run(url: String, store storeURL: String, instances: Int, events: Int = 50_000, endpoints: Int = 1_000,
                           batchSize: Int = 1_024, pipelineDepth: Int = 3, concurrency: Int = 128,
                           progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> Result {
        var pg = try PostgresURL(storeURL)
        pg.schema = "squawk_bench_\(UInt32.random(in: .min ... .max))"
        let schemaURL = pg
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let setup = PostgresStore(url: schemaURL, maximumConnections: 4)
        return try await setup.withRunning {
            let created = Date()
            let subs = DispatchBenchmark.subscriptions(endpoints, base: base, at: created)
            try await setup.createBatch(subs)
            let ids = subs.map(\.0.id)
            var n = 0
            while n < events {
                let m = min(1_000, events - n)
                _ = try await setup.enqueue(DispatchBenchmark.events(n..<(n + m), subscriptionIds: ids, at: created), now: created)
                n += m
            }
            progress("enqueued \(events) in schema \(schemaURL.schema ?? "")")
            let counts = NIOLockedValueBox([Int](repeating: 0, count: instances))
            let clock = ContinuousClock()
            let start = clock.now
            // Unstructured, like separate processes: stopped by cancellation once measured, not
            // waited for (the result does not depend on how fast they wind down).
            let dispatchers = (0..<instances).map { i in
                Task {
                    let store = PostgresStore(url: schemaURL, maximumConnections: 8)
                    try await store.withRunning {
                        let transport = DispatchBenchmark.benchTransport()
                        defer { transport.shutdown() }
                        let counting = CountingStore(store) { k in counts.withLockedValue { $0[i] += k } }
                        try await DispatchBenchmark.benchDispatcher(counting, transport: transport, batchSize: batchSize,
                                                                    pipelineDepth: pipelineDepth, concurrency: concurrency).run()
                    }
                }
            }
            // Counted as acknowledgements pass, not by asking the database (which shares the cores).
            var reported = clock.now
            while counts.withLockedValue({ $0.reduce(0, +) }) < events, clock.now < start + .seconds(600) {
                try await clock.sleep(for: .milliseconds(5))
                if clock.now - reported > .seconds(5) {
                    reported = clock.now
                    progress("delivered \(counts.withLockedValue { $0 })")
                }
            }
            let took = clock.now - start
            for d in dispatchers { d.cancel() }
            let stats = try await setup.queueStats(now: Date())
            let undelivered = stats.pending + stats.inflight
            return Result(instances: instances, events: events, deliveriesPerSecond: Double(events - undelivered) / took.timeInterval,
                          undelivered: undelivered, perInstance: counts.withLockedValue { $0 })
        }
    }
}

/// A ``DeliveryStore`` that counts the deliveries acknowledged as delivered through it.
final class CountingStore: DeliveryStoreDecorator, Sendable {
    let base: any DeliveryStore
    let onDelivered: @Sendable (Int) -> Void
    init(_ base: any DeliveryStore, onDelivered: @escaping @Sendable (Int) -> Void) { self.base = base; self.onDelivered = onDelivered }

    func complete(_ completions: [DeliveryCompletion]) async throws {
        try await base.complete(completions)
        onDelivered(completions.filter { if case .delivered = $0.next { true } else { false } }.count)
    }
}
