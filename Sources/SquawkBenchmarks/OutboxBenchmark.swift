import Foundation
import SquawkCore
import SquawkSQLite
import SquawkStore

/// The outbox figures of the delivery issue: how fast the SQLite store takes work in and lets it
/// out again, with no network in the way.
///
/// 1. `subscriptions` active subscriptions are created in a fresh file.
/// 2. `events` events, each matching every subscription, are enqueued `enqueueBatch` events per
///    call (one transaction each): `events × subscriptions` delivery rows.
/// 3. The queue is drained as the dispatcher drains it: `claim(limit: claimBatch)` →
///    `complete(all delivered)`, one transaction each, until a claim comes back empty.
///
/// Events come `eventsPerFlight` to a flight, so ordering groups hold several deliveries and
/// the drain has to follow them one at a time, as it would in production. Time never passes:
/// everything is due at one `now`. Not a test: figures depend on the machine and the build;
/// run it on an idle one, in release.
public enum OutboxBenchmark {
    /// What one run measured.
    public struct Result: Sendable, CustomStringConvertible {
        public var events: Int
        public var subscriptions: Int
        public var enqueueBatch: Int
        public var claimBatch: Int
        /// Delivery rows `enqueue` reported creating.
        public var deliveries: Int
        public var enqueueSeconds: Double
        /// Deliveries claimed and completed before the queue ran dry (should equal `deliveries`).
        public var drained: Int
        /// Claim → complete rounds, the last (empty) claim not included.
        public var rounds: Int
        public var drainSeconds: Double
        /// The parts of `drainSeconds` spent in `claim` and in `complete`.
        public var claimSeconds: Double
        public var completeSeconds: Double
        /// Process CPU seconds (user + system) spent enqueueing and draining.
        public var enqueueCPUSeconds: Double
        public var drainCPUSeconds: Double
        /// Resident set size at the end (Linux only).
        public var residentBytes: Int?

        /// Delivery rows written per second of enqueue (events are written besides).
        public var enqueueRowsPerSecond: Double { Double(deliveries) / enqueueSeconds }
        /// Deliveries claimed and acknowledged per second.
        public var deliveriesPerSecond: Double { Double(drained) / drainSeconds }

        public var description: String {
            let rss = residentBytes.map { String(format: "%.0f MB", Double($0) / 1_048_576) } ?? "n/a"
            return String(format: """
                outbox: %d events × %d subscriptions = %d deliveries; enqueue in batches of %d events: %.2f s (%.0f rows/s, CPU %.2f s); \
                claim(%d) → complete: %d deliveries in %d rounds, %.2f s (%.0f deliveries/s; claim %.2f s, complete %.2f s; CPU %.2f s); \
                RSS %@
                """, events, subscriptions, deliveries, enqueueBatch, enqueueSeconds, enqueueRowsPerSecond, enqueueCPUSeconds,
                claimBatch, drained, rounds, drainSeconds, deliveriesPerSecond, claimSeconds, completeSeconds, drainCPUSeconds, rss)
        }
    }

    /// Runs the benchmark on the file at `path` (nil: a temporary file, deleted afterwards; an
    /// existing file must not hold deliveries, or the drain counts them too). `progress` hears a
    /// line per phase.
    public static func run(events: Int = 10_000, subscriptions: Int = 10, eventsPerFlight: Int = 4, enqueueBatch: Int = 500,
                           claimBatch: Int = 256, path: String? = nil,
                           progress: @Sendable (String) -> Void = { _ in }) async throws -> Result {
        let store = try path.map { try SQLiteStore(path: $0) } ?? SQLiteStore.temporary()
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        var rng = SplitMix64(seed: 0x0B0C_5A11)
        let clock = ContinuousClock()

        let subs = (0..<subscriptions).map { i in
            let created = now.addingTimeInterval(Double(i) / 1000)
            return (Subscription(id: Identifiers.make(prefix: "sub", at: created, using: &rng), ownerKeyId: "key_bench",
                                 target: SubscriptionTarget(kind: .airport, id: "KLAX"), events: TargetKind.airport.defaultEvents,
                                 notifyEndpoint: "https://hooks.example.com/bench/\(i)", format: .json, createdAt: created),
                    SigningSecret(secret: Identifiers.webhookSecret(using: &rng), createdAt: created))
        }
        try await store.createBatch(subs)
        let subscriptionIds = subs.map(\.0.id)
        progress("created \(subscriptions) subscriptions")

        // Enqueue.
        var created = 0
        var enqueueTime = Duration.zero
        let enqueueCPU = ProcessMeter.processCPUSeconds()
        var made = 0
        while made < events {
            let batch = (made..<min(events, made + enqueueBatch)).map { n in
                (event: event(n, eventsPerFlight: max(1, eventsPerFlight), now: now), subscriptionIds: subscriptionIds)
            }
            enqueueTime += try await clock.measure { created += try await store.enqueue(batch, now: now) }
            made += batch.count
        }
        let enqueueCPUSeconds = ProcessMeter.processCPUSeconds() - enqueueCPU
        progress("enqueued \(created) deliveries")

        // Drain.
        var drained = 0
        var rounds = 0
        var claimTime = Duration.zero
        var completeTime = Duration.zero
        let drainCPU = ProcessMeter.processCPUSeconds()
        let drainTime = try await clock.measure {
            while true {
                var claimed: [ClaimedDelivery] = []
                claimTime += try await clock.measure { claimed = try await store.claim(limit: claimBatch, now: now, lease: .seconds(60)) }
                if claimed.isEmpty { break }
                let completions = claimed.map { c in
                    DeliveryCompletion(attempt: DeliveryAttempt(deliveryId: c.delivery.id, attempt: c.delivery.attempts + 1, at: now,
                                                                statusCode: 204, latencyMs: 1, responseSnippet: nil, error: nil),
                                       next: .delivered)
                }
                completeTime += try await clock.measure { try await store.complete(completions) }
                drained += claimed.count
                rounds += 1
            }
        }
        progress("drained \(drained) deliveries in \(rounds) rounds")

        return Result(events: events, subscriptions: subscriptions, enqueueBatch: enqueueBatch, claimBatch: claimBatch,
                      deliveries: created, enqueueSeconds: enqueueTime.timeInterval, drained: drained, rounds: rounds,
                      drainSeconds: drainTime.timeInterval, claimSeconds: claimTime.timeInterval,
                      completeSeconds: completeTime.timeInterval, enqueueCPUSeconds: enqueueCPUSeconds,
                      drainCPUSeconds: ProcessMeter.processCPUSeconds() - drainCPU, residentBytes: ProcessMeter.residentBytes())
    }

    // MARK: - Data

    /// The n-th event: a takeoff or landing of flight `n / eventsPerFlight`, with the details a
    /// real one carries.
    static func event(_ n: Int, eventsPerFlight: Int, now: Date) -> FlightEvent {
        let flight = n / eventsPerFlight
        let type: EventType = n % 2 == 0 ? .takeoff : .landing
        return FlightEvent(
            id: EventID.make(subject: "bench-flight-\(flight)", type: type, sequence: n), type: type,
            at: now.addingTimeInterval(-Double(n % 600)), server: ServerRef(id: "bench-server", name: "Expert Server"),
            flightId: "bench-flight-\(flight)", userId: "user-\(flight % 5_000)", username: "pilot\(flight % 5_000)",
            callsign: "DAL\(flight % 9_000 + 1)", airport: "KLAX",
            data: ["altitude": .number(Double(125 + n % 40)), "groundSpeed": .number(140.5), "heading": .number(Double(n % 360)),
                   "runway": "25R", "aircraft": "A321"])
    }
}
