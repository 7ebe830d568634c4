import Foundation
import SquawkCore
import SquawkStore
import Testing

/// The contract every ``DeliveryStore`` backend passes (DESIGN.md rule 7): the semantics written
/// in the docs of ``DeliveryStore``, as executable checks, in the shape of ``StoreContract``:
/// ```swift
/// @Test(arguments: DeliveryStoreContract.all)
/// func contract(_ check: DeliveryStoreContract.Case) async throws {
///     try await check.run(try SQLiteStore.temporary())
/// }
/// ```
/// Unlike the subscription cases, each case needs a store **without deliveries** (a fresh
/// database, or one whose events and deliveries were emptied): `claim` and `queueStats` see the
/// whole queue, whoever's it is. Subscriptions of other owners may be present.
///
/// Time is always an argument: every date is built on whole milliseconds from the fixture's base,
/// and leases end by passing a later `now`, never by waiting. Dates a backend computes (a lease's
/// end) are compared to the millisecond; dates it stores are compared exactly.
///
/// Backend-neutral rules the cases pin down, beyond the protocol's comments:
/// - a delivery's ordering key is ``DeliveryOrdering/key(subscriptionId:event:)``;
/// - claims come oldest due first;
/// - the log lists a subscription's deliveries newest first; cursors are opaque strings;
/// - owners see only deliveries of their own subscriptions (as in ``SubscriptionStore``: the
///   admin key is an owner like any other), and another owner's subscription is `.notFound`;
/// - a completion for a delivery already delivered or failed is logged but changes nothing else,
///   one for a delivery that no longer exists is ignored;
/// - a response snippet longer than 1,024 characters is stored cut to 1,024.
public enum DeliveryStoreContract {
    /// A store under test.
    public typealias Store = any SubscriptionStore & DeliveryStore & PollerStateStore & LeaderElection & APIKeyStore

    /// One named check.
    public typealias Case = ContractCase<Store>

    /// Every check, in a stable order.
    public static let all: [Case] = [
        Case("enqueueAndClaim") { try await enqueueAndClaim($0) },
        Case("duplicateEventSkipped") { try await duplicateEventSkipped($0) },
        Case("pollCommit") { try await pollCommit($0) },
        Case("sequencesGapless") { try await sequencesGapless($0) },
        Case("orderingPerKey") { try await orderingPerKey($0) },
        Case("leaseExpiry") { try await leaseExpiry($0) },
        Case("lateCompletion") { try await lateCompletion($0) },
        Case("pacedCompletion") { try await pacedCompletion($0) },
        Case("retryScheduling") { try await retryScheduling($0) },
        Case("failingClock") { try await failingClock($0) },
        Case("disableSubscription") { try await disableSubscription($0) },
        Case("keyRevocation") { try await keyRevocation($0) },
        Case("ownerIsolation") { try await ownerIsolation($0) },
        Case("pagination") { try await pagination($0) },
        Case("redeliver") { try await redeliver($0) },
        Case("handOnWithinBatch") { try await handOnWithinBatch($0) },
        Case("recover") { try await recover($0) },
        Case("prune") { try await prune($0) },
        Case("queueStats") { try await queueStats($0) },
        Case("deletedSubscription") { try await deletedSubscription($0) },
        Case("concurrentClaims") { try await concurrentClaims($0) },
        Case("expired") { try await expired($0) },
    ]

    typealias Fixture = StoreContract.Fixture

    // MARK: - Enqueue and claim

    /// An enqueued event comes back from `claim` equal, with its subscription and the secrets
    /// valid at the claim's `now`, current first; unknown, disabled and repeated subscription ids
    /// get nothing.
    public static func enqueueAndClaim(_ store: Store) async throws {
        let f = Fixture()
        let hour = 3_600_000
        let a = f.subscription(0), b = f.subscription(1, format: .discord), off = f.subscription(2, status: .disabled)
        for (i, sub) in [a, b, off].enumerated() { _ = try await store.create(sub, secret: f.secret(i), idempotency: nil) }
        let rotated = f.secret(10, at: hour)
        try await store.rotateSecret(id: a.id, owner: f.owner, newSecret: rotated, previousExpiresAt: f.at(3 * hour))

        let event = FlightEvent(
            id: f.id(1, prefix: "evt"), type: .landing, at: f.at(1_500), server: ServerRef(id: "7e5dcd44-1fb5-49cc", name: "Expert Server"),
            flightId: "flt-1", userId: "usr-1", username: "Pilot One", callsign: "DAL40 Heavy", virtualOrganization: "DVA",
            airport: "KLAX", frequencyId: nil,
            data: ["altitude": 1_200, "groundSpeed": 142.5, "onGround": true, "zero": 0, "one": 1, "missing": nil,
                   "note": "a/b \"quoted\" ✈︎ ümlaut", "list": .array([1, "two", false, nil, .array([3.25, -0.125])]),
                   "nested": .object(["deep": .object(["k": "v"]), "empty": .object([:]), "none": .array([])]),
                   "huge": 1e20, "tiny": 1e-7, "negative": -42])
        let now = f.at(2 * hour)
        let created = try await store.enqueue([(event, [a.id, b.id, off.id, f.id(99), a.id])], now: now)
        #expect(created == 2)

        let claimed = try await store.claim(limit: 10, now: now, lease: .seconds(30))
        #expect(claimed.count == 2)
        let bySubscription = Dictionary(claimed.map { ($0.subscription.id, $0) }, uniquingKeysWith: { first, _ in first })
        let ca = try #require(bySubscription[a.id])
        let cb = try #require(bySubscription[b.id])
        #expect(ca.event == event)
        #expect(cb.event == event)
        #expect(ca.subscription == a)
        #expect(cb.subscription == b)
        #expect(ca.secrets == [rotated.secret, f.secret(0).secret])
        #expect(cb.secrets == [f.secret(1).secret])
        for (c, sub) in [(ca, a), (cb, b)] {
            let d = c.delivery
            #expect(d.eventId == event.id)
            #expect(d.subscriptionId == sub.id)
            #expect(d.sequence == 1)
            #expect(d.orderingKey == DeliveryOrdering.key(subscriptionId: sub.id, event: event))
            #expect(d.status == .inflight)
            #expect(d.attempts == 0)
            #expect(d.nextAttemptAt == now)
            #expect(sameMillisecond(d.leaseUntil, f.at(2 * hour + 30_000)))
            #expect(d.createdAt == now)
            #expect(d.completedAt == nil && d.lastError == nil && d.lastStatusCode == nil)
            #expect(try await store.delivery(id: d.id, owner: f.owner) == d)
        }
        #expect(ca.delivery.id != cb.delivery.id)
        #expect(try await store.claim(limit: 10, now: now, lease: .seconds(30)).isEmpty)
        try await store.complete([completion(ca.delivery, attempt: 1, at: now, next: .delivered),
                                  completion(cb.delivery, attempt: 1, at: now, next: .delivered)])

        // Later, after the rotated-out secret expired: only the current one; an event without
        // details round-trips too.
        let plain = FlightEvent(id: f.id(2, prefix: "evt"), type: .atcOpened, at: f.at(4 * hour), airport: "EGLL", frequencyId: "freq-9")
        #expect(try await store.enqueue([(plain, [a.id])], now: f.at(4 * hour)) == 1)
        let later = try await store.claim(limit: 10, now: f.at(4 * hour), lease: .seconds(30))
        #expect(later.map(\.event) == [plain])
        #expect(later.map(\.secrets) == [[rotated.secret]])
        #expect(later.map(\.delivery.sequence) == [2])

        #expect(try await store.enqueue([], now: now) == 0)
        #expect(try await store.claim(limit: 0, now: f.at(10 * hour), lease: .seconds(30)).isEmpty)
    }

    /// An event id already stored is skipped whole, whether it comes again in a later call (a
    /// replay after a crash, even with other subscriptions) or twice in one batch.
    public static func duplicateEventSkipped(_ store: Store) async throws {
        let f = Fixture()
        let a = f.subscription(0), b = f.subscription(1)
        _ = try await store.create(a, secret: f.secret(0), idempotency: nil)
        _ = try await store.create(b, secret: f.secret(1), idempotency: nil)
        let e1 = f.event(1, flight: "A"), e2 = f.event(2, flight: "B")

        #expect(try await store.enqueue([(e1, [a.id])], now: f.at(10)) == 1)
        #expect(try await store.enqueue([(e1, [a.id])], now: f.at(20)) == 0)
        #expect(try await store.enqueue([(e1, [b.id])], now: f.at(30)) == 0)
        #expect(try await store.enqueue([(e1, [a.id]), (e2, [a.id]), (e2, [a.id, b.id])], now: f.at(40)) == 1)

        let logA = try await log(store, a, f)
        #expect(logA.map(\.eventId) == [e1.id, e2.id])
        #expect(logA.map(\.sequence) == [1, 2])
        #expect(logA.map(\.createdAt) == [f.at(10), f.at(40)])
        #expect(try await log(store, b, f).isEmpty)
    }

    /// A poller's commit saves its states in the events' transaction, with or without events,
    /// and under the fence of the lease its holder has.
    public static func pollCommit(_ store: Store) async throws {
        let f = Fixture()
        let a = f.subscription(0)
        _ = try await store.create(a, secret: f.secret(0), idempotency: nil)
        let key = "diff/contract-" + f.salt, job = "poller/contract-" + f.salt
        let e1 = f.event(1, flight: "A"), e2 = f.event(2, flight: "A")

        #expect(try await store.enqueue([(e1, [a.id])], now: f.at(10), commit: PollCommit(states: [key: Data("one".utf8)], at: f.at(10))) == 1)
        #expect(try await store.loadPollerStates()[key] == Data("one".utf8))
        // No events (a quiet poll): the state still moves on.
        #expect(try await store.enqueue([], now: f.at(20), commit: PollCommit(states: [key: Data("two".utf8)], at: f.at(20))) == 0)
        #expect(try await store.loadPollerStates()[key] == Data("two".utf8))
        // Under the lease the holder has.
        #expect(try await store.acquireLeadership(job, holder: "h-" + f.salt, now: f.at(30), lease: .seconds(15)))
        let fence = PollCommit.Fence(name: job, holder: "h-" + f.salt, at: f.at(5_000))
        #expect(try await store.enqueue([(e2, [a.id])], now: f.at(5_000), commit: PollCommit(states: [key: Data("three".utf8)], fence: fence, at: f.at(5_000))) == 1)
        #expect(try await store.loadPollerStates()[key] == Data("three".utf8))
        #expect(try await log(store, a, f).map(\.eventId) == [e1.id, e2.id])
        try await store.releaseLeadership(job, holder: "h-" + f.salt)
    }

    /// Sequence numbers are per subscription, 1, 2, 3… in enqueue order, without gaps, whatever
    /// was skipped (duplicate events, disabled or deleted subscriptions) in between.
    public static func sequencesGapless(_ store: Store) async throws {
        let f = Fixture()
        let a = f.subscription(0), b = f.subscription(1), c = f.subscription(2), gone = f.subscription(3)
        for (i, sub) in [a, b, c, gone].enumerated() { _ = try await store.create(sub, secret: f.secret(i), idempotency: nil) }
        let e = (0..<8).map { f.event($0, flight: "F\($0 % 3)") }

        #expect(try await store.enqueue([(e[0], [a.id, b.id, c.id]), (e[1], [a.id]), (e[2], [b.id, f.id(77)])], now: f.at(100)) == 5)
        try await store.setStatus(id: c.id, status: .disabled, reason: "test", at: f.at(150))
        #expect(try await store.delete(id: gone.id, owner: f.owner))
        #expect(try await store.enqueue([(e[3], [a.id, c.id, gone.id]), (e[1], [b.id]), (e[4], [b.id, a.id])], now: f.at(200)) == 3)
        #expect(try await store.enqueue([(e[5], [c.id])], now: f.at(300)) == 0)
        try await store.setStatus(id: c.id, status: .active, reason: nil, at: f.at(350))
        #expect(try await store.enqueue([(e[6], [c.id, a.id]), (e[7], [a.id])], now: f.at(400)) == 3)

        let logA = try await log(store, a, f), logB = try await log(store, b, f), logC = try await log(store, c, f)
        #expect(logA.map(\.eventId) == [e[0].id, e[1].id, e[3].id, e[4].id, e[6].id, e[7].id])
        #expect(logA.map(\.sequence) == [1, 2, 3, 4, 5, 6])
        #expect(logB.map(\.eventId) == [e[0].id, e[2].id, e[4].id])
        #expect(logB.map(\.sequence) == [1, 2, 3])
        #expect(logC.map(\.eventId) == [e[0].id, e[6].id])
        #expect(logC.map(\.sequence) == [1, 2])
    }

    // MARK: - Ordering

    /// One delivery per ordering group at a time, in sequence order: the second event of a flight
    /// waits until the first is delivered or failed (a retry in backoff holds it back too), while
    /// other flights, frequencies, airports and other subscriptions proceed.
    public static func orderingPerKey(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0), t = f.subscription(1)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        _ = try await store.create(t, secret: f.secret(1), idempotency: nil)
        let a1 = f.event(1, flight: "A", airport: "KLAX"), a2 = f.event(2, flight: "A", airport: "KSFO")
        let b1 = f.event(3, flight: "B")
        let q1 = f.event(4, type: .atcOpened, frequency: "Q", airport: "KLAX"), q2 = f.event(5, type: .atcClosed, frequency: "Q", airport: "KLAX")
        let klax = f.event(6, type: .atisChanged, airport: "KLAX")
        let bare = f.event(7, type: .subscriptionTest)
        let now = f.at(1_000)
        let lease = Duration.seconds(300)
        #expect(try await store.enqueue([(a1, [s.id, t.id]), (a2, [s.id, t.id]), (b1, [s.id]), (q1, [s.id]), (q2, [s.id]),
                                         (klax, [s.id]), (bare, [s.id])], now: now) == 9)

        let first = try await store.claim(limit: 2, now: now, lease: lease)
        #expect(first.count == 2)
        let rest = try await store.claim(limit: 100, now: now, lease: lease)
        let claimed = first + rest
        func pairs(_ list: [ClaimedDelivery]) -> Set<String> { Set(list.map { "\($0.subscription.id) \($0.event.id)" }) }
        #expect(pairs(claimed) == ["\(s.id) \(a1.id)", "\(t.id) \(a1.id)", "\(s.id) \(b1.id)", "\(s.id) \(q1.id)",
                                   "\(s.id) \(klax.id)", "\(s.id) \(bare.id)"])
        #expect(Set(claimed.map(\.delivery.orderingKey)).count == claimed.count)
        for c in claimed { #expect(c.delivery.orderingKey == DeliveryOrdering.key(subscriptionId: c.subscription.id, event: c.event)) }
        func pick(_ sub: Subscription, _ event: FlightEvent) throws -> Delivery {
            try #require(claimed.first { $0.subscription.id == sub.id && $0.event.id == event.id }).delivery
        }

        // s's first A goes into backoff: s's second A still waits, even once the lease is over.
        try await store.complete([completion(try pick(s, a1), attempt: 1, at: now, status: 500, next: .retry(at: f.at(61_000)))])
        #expect(try await store.claim(limit: 100, now: f.at(2_000), lease: lease).isEmpty)
        // t's first A delivered: t's second A is next.
        try await store.complete([completion(try pick(t, a1), attempt: 1, at: f.at(2_000), next: .delivered)])
        #expect(pairs(try await store.claim(limit: 100, now: f.at(2_000), lease: lease)) == ["\(t.id) \(a2.id)"])
        // s's first A is due again; delivered, it lets s's second A go.
        let again = try await store.claim(limit: 100, now: f.at(61_000), lease: lease)
        #expect(pairs(again) == ["\(s.id) \(a1.id)"])
        try await store.complete([completion(again[0].delivery, attempt: 2, at: f.at(61_000), next: .delivered)])
        #expect(pairs(try await store.claim(limit: 100, now: f.at(61_000), lease: lease)) == ["\(s.id) \(a2.id)"])
        // A failure ends a delivery too: frequency Q moves on.
        try await store.complete([completion(try pick(s, q1), attempt: 1, at: f.at(62_000), status: 404, next: .failed)])
        #expect(pairs(try await store.claim(limit: 100, now: f.at(62_000), lease: lease)) == ["\(s.id) \(q2.id)"])
        #expect(try await store.claim(limit: 100, now: f.at(62_000), lease: lease).isEmpty)
    }

    // MARK: - Leases

    /// A claim whose lease ends comes back (a crashed worker loses nothing); before that it does
    /// not. A late report from the first worker, after the second delivered, changes nothing
    /// but the log.
    /// A completion that names its claim (``DeliveryCompletion/claim``) decides nothing once that
    /// claim is gone: a dispatcher whose lease ran out and whose delivery was claimed again
    /// cannot put it back to pending (it would then be sent twice). Its real attempt is still
    /// logged. The claim holding the delivery decides.
    public static func lateCompletion(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        #expect(try await store.enqueue([(f.event(1, flight: "A"), [s.id])], now: f.at(0)) == 1)
        let first = try #require(try await store.claim(limit: 10, now: f.at(0), lease: .seconds(30)).first).delivery
        let second = try #require(try await store.claim(limit: 10, now: f.at(30_000), lease: .seconds(30)).first).delivery
        #expect(second.id == first.id)
        #expect(first.leaseUntil != second.leaseUntil)

        // The first claimer reports late: paced (no attempt), then a failed attempt.
        var paced = completion(first, attempt: 0, at: f.at(31_000), status: nil, next: .retry(at: f.at(31_000)))
        paced.claim = first.leaseUntil
        var failed = completion(first, attempt: 1, at: f.at(31_500), status: 503, next: .retry(at: f.at(40_000)))
        failed.claim = first.leaseUntil
        try await store.complete([paced])
        try await store.complete([failed])
        let held = try #require(try await store.delivery(id: first.id, owner: f.owner))
        #expect(held.status == .inflight, "still the second claim's")
        #expect(held.leaseUntil == second.leaseUntil)
        #expect(held.attempts == 0)
        #expect(try await store.claim(limit: 10, now: f.at(32_000), lease: .seconds(30)).isEmpty, "not claimable again")
        #expect(try await store.attempts(deliveryId: first.id).map(\.statusCode) == [503], "the real attempt is logged")

        // The holder's report decides.
        var delivered = completion(second, attempt: 1, at: f.at(33_000), next: .delivered)
        delivered.claim = second.leaseUntil
        try await store.complete([delivered])
        let done = try #require(try await store.delivery(id: first.id, owner: f.owner))
        #expect(done.status == .delivered)
        #expect(done.completedAt == f.at(33_000))
    }

    public static func leaseExpiry(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        let e1 = f.event(1, flight: "A"), e2 = f.event(2, flight: "A")
        let t = 10_000
        #expect(try await store.enqueue([(e1, [s.id]), (e2, [s.id])], now: f.at(t)) == 2)

        let one = try await store.claim(limit: 10, now: f.at(t), lease: .seconds(30))
        #expect(one.map(\.event.id) == [e1.id])
        let d1 = try #require(one.first).delivery
        #expect(try await store.claim(limit: 10, now: f.at(t + 29_999), lease: .seconds(30)).isEmpty)

        let two = try await store.claim(limit: 10, now: f.at(t + 30_000), lease: .seconds(30))
        #expect(two.map(\.delivery.id) == [d1.id])
        #expect(sameMillisecond(two.first?.delivery.leaseUntil, f.at(t + 60_000)))
        #expect(two.first?.delivery.status == .inflight)
        #expect(two.first?.event == e1)

        // The second worker delivers; the group moves on.
        try await store.complete([completion(d1, attempt: 1, at: f.at(t + 31_000), next: .delivered)])
        let next = try await store.claim(limit: 10, now: f.at(t + 31_000), lease: .seconds(30))
        #expect(next.map(\.event.id) == [e2.id])

        // The first worker wakes up and reports a timeout: logged, but d1 stays delivered.
        try await store.complete([completion(d1, attempt: 1, at: f.at(t + 40_000), status: nil, error: "timeout", next: .retry(at: f.at(t + 50_000)))])
        let after = try #require(try await store.delivery(id: d1.id, owner: f.owner))
        #expect(after.status == .delivered)
        #expect(after.completedAt == f.at(t + 31_000))
        #expect(after.attempts == 1)
        #expect(after.lastError == nil)
        #expect(try await store.attempts(deliveryId: d1.id).map(\.error) == [nil, "timeout"])
        // Only e2's expired lease is claimable later, and it comes before work that became due
        // after its lease ended.
        let e3 = f.event(3, flight: "B")
        #expect(try await store.enqueue([(e3, [s.id])], now: f.at(t + 70_000)) == 1)
        #expect(try await store.claim(limit: 1, now: f.at(t + 100_000), lease: .seconds(30)).map(\.event.id) == [e2.id])
        #expect(try await store.claim(limit: 1, now: f.at(t + 100_000), lease: .seconds(30)).map(\.event.id) == [e3.id])
    }

    // MARK: - Completion

    /// Attempt 0 (a paced send that never went out) reschedules without logging or counting an
    /// attempt, and leaves the last real attempt's error and status code; the delivery is not due
    /// before the new time.
    public static func pacedCompletion(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        #expect(try await store.enqueue([(f.event(1, flight: "A"), [s.id])], now: f.at(0)) == 1)
        let d = try #require(try await store.claim(limit: 1, now: f.at(0), lease: .seconds(30)).first).delivery

        try await store.complete([completion(d, attempt: 0, at: f.at(0), status: nil, next: .retry(at: f.at(5_000)))])
        let paced = try #require(try await store.delivery(id: d.id, owner: f.owner))
        #expect(paced.status == .pending)
        #expect(paced.attempts == 0)
        #expect(paced.nextAttemptAt == f.at(5_000))
        #expect(paced.leaseUntil == nil)
        #expect(paced.lastError == nil && paced.lastStatusCode == nil)
        #expect(try await store.attempts(deliveryId: d.id).isEmpty)
        #expect(try await store.queueStats(now: f.at(1_000)).retrying == 0)

        #expect(try await store.claim(limit: 1, now: f.at(4_999), lease: .seconds(30)).isEmpty)
        let again = try await store.claim(limit: 1, now: f.at(5_000), lease: .seconds(30))
        #expect(again.map(\.delivery.id) == [d.id])
        #expect(again.first?.delivery.attempts == 0)

        // A real failure, then another paced deferral: still one attempt, its error kept.
        try await store.complete([completion(d, attempt: 1, at: f.at(5_000), status: 503, error: "busy", next: .retry(at: f.at(6_000)))])
        _ = try await store.claim(limit: 1, now: f.at(6_000), lease: .seconds(30))
        try await store.complete([completion(d, attempt: 0, at: f.at(6_000), status: nil, next: .retry(at: f.at(9_000)))])
        let deferred = try #require(try await store.delivery(id: d.id, owner: f.owner))
        #expect(deferred.attempts == 1)
        #expect(deferred.lastStatusCode == 503 && deferred.lastError == "busy")
        #expect(deferred.nextAttemptAt == f.at(9_000))
        #expect(try await store.attempts(deliveryId: d.id).map(\.attempt) == [1])

        _ = try await store.claim(limit: 1, now: f.at(9_000), lease: .seconds(30))
        try await store.complete([completion(d, attempt: 2, at: f.at(9_000), next: .delivered)])
        #expect(try await store.delivery(id: d.id, owner: f.owner)?.attempts == 2)
        #expect(try await store.attempts(deliveryId: d.id).map(\.attempt) == [1, 2])
    }

    /// A failed attempt is logged and schedules the next one: pending, not due before its time,
    /// with the attempt's status code and error; claims take the oldest due first; the final
    /// outcome (delivered or failed) records the completion time. One `complete` applies a batch.
    /// A subscription's continuous-failure clock (``ClaimedDelivery/failingSince``), as applying
    /// a batch's real attempts in order leaves it: a failure starts it if it is not running, a
    /// success stops it, a paced completion (attempt 0) does neither; within one batch the last
    /// word wins.
    public static func failingClock(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        // One delivery per flight, so none waits for another.
        #expect(try await store.enqueue((0..<8).map { (f.event($0, flight: "F\($0)"), [s.id]) }, now: f.at(0)) == 8)
        var t = 1_000
        /// Claims every delivery due by `t` and completes the first `outcomes.count` of them in one batch.
        func batch(_ outcomes: [(attempt: Int, next: DeliveryCompletion.Next)]) async throws -> Date? {
            t += 1_000
            let claimed = try await store.claim(limit: 10, now: f.at(t), lease: .seconds(30))
            try #require(claimed.count >= outcomes.count)
            try await store.complete(zip(claimed, outcomes).map { c, o in
                let failed = if case .delivered = o.next { false } else { true }
                return completion(c.delivery, attempt: o.attempt, at: f.at(t), status: failed ? 503 : 200, next: o.next)
            })
            // Release the rest (paced, due now) and read the clock from the next claim.
            let rest = Array(claimed.dropFirst(outcomes.count))
            try await store.complete(rest.map { completion($0.delivery, attempt: 0, at: f.at(t), status: nil, next: .retry(at: f.at(t))) })
            return try await store.claim(limit: 1, now: f.at(t + 1), lease: .milliseconds(1)).first?.failingSince
        }
        let retry = { DeliveryCompletion.Next.retry(at: f.at(t)) }
        #expect(try await batch([(1, retry())]) == f.at(2_000), "a failure starts the clock")
        #expect(try await batch([(1, retry())]) == f.at(2_000), "a later failure leaves it running")
        #expect(try await batch([(0, retry())]) == f.at(2_000), "a paced completion is no attempt")
        #expect(try await batch([(1, .delivered), (1, retry())]) == f.at(5_000), "stopped, then started again in one batch")
        #expect(try await batch([(1, retry()), (1, .delivered)]) == nil, "started (already running), then stopped")
    }

    public static func retryScheduling(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        #expect(try await store.enqueue([(f.event(1, flight: "A"), [s.id]), (f.event(2, flight: "B"), [s.id])], now: f.at(0)) == 2)
        let claimed = try await store.claim(limit: 10, now: f.at(0), lease: .seconds(30)).map(\.delivery)
        #expect(claimed.count == 2)
        let d1 = try #require(claimed.first { $0.sequence == 1 }), d2 = try #require(claimed.first { $0.sequence == 2 })

        let long = String(repeating: "0123456789", count: 150)
        let a1 = DeliveryAttempt(deliveryId: d1.id, attempt: 1, at: f.at(1_000), statusCode: 503, latencyMs: 120,
                                 responseSnippet: long, error: nil)
        let a2 = DeliveryAttempt(deliveryId: d2.id, attempt: 1, at: f.at(1_000), statusCode: nil, latencyMs: 3,
                                 responseSnippet: nil, error: "connection refused")
        try await store.complete([DeliveryCompletion(attempt: a1, next: .retry(at: f.at(20_000))),
                                  DeliveryCompletion(attempt: a2, next: .retry(at: f.at(10_000)))])

        let r1 = try #require(try await store.delivery(id: d1.id, owner: f.owner))
        #expect(r1.status == .pending)
        #expect(r1.attempts == 1)
        #expect(r1.lastStatusCode == 503)
        #expect(r1.lastError == nil)
        #expect(r1.nextAttemptAt == f.at(20_000))
        #expect(r1.leaseUntil == nil && r1.completedAt == nil)
        var cut = a1
        cut.responseSnippet = String(long.prefix(1_024))
        #expect(try await store.attempts(deliveryId: d1.id) == [cut])
        let r2 = try #require(try await store.delivery(id: d2.id, owner: f.owner))
        #expect(r2.lastError == "connection refused" && r2.lastStatusCode == nil)
        #expect(try await store.attempts(deliveryId: d2.id) == [a2])

        #expect(try await store.claim(limit: 10, now: f.at(9_999), lease: .seconds(30)).isEmpty)
        #expect(try await store.claim(limit: 1, now: f.at(30_000), lease: .seconds(30)).map(\.delivery.id) == [d2.id])
        #expect(try await store.claim(limit: 1, now: f.at(30_000), lease: .seconds(30)).map(\.delivery.id) == [d1.id])

        try await store.complete([
            completion(d2, attempt: 2, at: f.at(31_000), status: 500, error: "gave up after 2 attempts", next: .failed),
            completion(d1, attempt: 2, at: f.at(32_000), status: 204, next: .delivered),
        ])
        let done1 = try #require(try await store.delivery(id: d1.id, owner: f.owner))
        #expect(done1.status == .delivered)
        #expect(done1.attempts == 2)
        #expect(done1.lastStatusCode == 204 && done1.lastError == nil)
        #expect(done1.completedAt == f.at(32_000))
        #expect(done1.leaseUntil == nil)
        let done2 = try #require(try await store.delivery(id: d2.id, owner: f.owner))
        #expect(done2.status == .failed)
        #expect(done2.attempts == 2)
        #expect(done2.lastError == "gave up after 2 attempts" && done2.lastStatusCode == 500)
        #expect(done2.completedAt == f.at(31_000))
        #expect(try await store.attempts(deliveryId: d1.id).map(\.attempt) == [1, 2])
        #expect(try await store.claim(limit: 10, now: f.at(100_000), lease: .seconds(30)).isEmpty)
    }

    /// Revoking a key pauses its active subscriptions (`disabled`, reason `key_revoked`) and fails
    /// their pending deliveries in the same transaction; other owners' go on; a second revocation
    /// changes nothing.
    public static func keyRevocation(_ store: Store) async throws {
        let f = Fixture(), other = Fixture()
        let key = APIKeyRecord(id: f.owner, name: "bot", prefix: "sqk_rev", hash: f.hash("revoked-key"), createdAt: f.at(0))
        try await store.insertKey(key)
        let mine = f.subscription(0), theirs = other.subscription(0)
        _ = try await store.create(mine, secret: f.secret(0), idempotency: nil)
        _ = try await store.create(theirs, secret: other.secret(0), idempotency: nil)
        let e1 = f.event(1, flight: "A")
        #expect(try await store.enqueue([(e1, [mine.id, theirs.id])], now: f.at(0)) == 2)

        #expect(try await store.revokeKey(id: key.id, at: f.at(1_000)))
        let paused = try #require(try await store.get(id: mine.id, owner: f.owner))
        #expect(paused.status == .disabled)
        #expect(paused.disabledReason == "key_revoked")
        #expect(try await store.get(id: theirs.id, owner: other.owner)?.status == .active)
        let log = try await store.deliveries(subscriptionId: mine.id, owner: f.owner, status: nil, after: nil, limit: 10).items
        #expect(log.map(\.status) == [.failed])
        #expect(log.first?.lastError?.contains("key_revoked") == true)

        // Only the other owner's delivery goes out, and nothing new is queued for the paused one.
        #expect(try await store.enqueue([(f.event(2, flight: "B"), [mine.id])], now: f.at(2_000)) == 0)
        let claimed = try await store.claim(limit: 10, now: f.at(2_000), lease: .seconds(60))
        #expect(claimed.map(\.subscription.id) == [theirs.id])
        #expect(try await store.revokeKey(id: key.id, at: f.at(3_000)) == false)
    }

    /// `.disableSubscription` fails the delivery, disables the subscription with the reason and
    /// fails its other pending deliveries; inflight ones and other subscriptions are untouched,
    /// except that an inflight one reported later in the same batch fails instead of retrying;
    /// the disabled subscription gets no new deliveries.
    public static func disableSubscription(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0), t = f.subscription(1)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        _ = try await store.create(t, secret: f.secret(1), idempotency: nil)
        let e1 = f.event(1, flight: "A"), e2 = f.event(2, flight: "A"), e3 = f.event(3, flight: "B"), e4 = f.event(4, flight: "C")
        #expect(try await store.enqueue([(e1, [s.id, t.id]), (e2, [s.id]), (e3, [s.id]), (e4, [s.id])], now: f.at(0)) == 5)
        let claimed = try await store.claim(limit: 10, now: f.at(0), lease: .seconds(60))
        #expect(claimed.count == 4)
        func pick(_ sub: Subscription, _ e: FlightEvent) throws -> Delivery {
            try #require(claimed.first { $0.subscription.id == sub.id && $0.event.id == e.id }).delivery
        }
        let s1 = try pick(s, e1), s3 = try pick(s, e3), s4 = try pick(s, e4), t1 = try pick(t, e1)
        let s2 = try #require(try await log(store, s, f).first { $0.eventId == e2.id })

        let reason = "the endpoint answered 410 Gone"
        try await store.complete([
            completion(s3, attempt: 1, at: f.at(1_000), next: .delivered),
            completion(s1, attempt: 1, at: f.at(2_000), status: 410, next: .disableSubscription(reason: reason)),
            // Reported after the disable in the same batch: a retry of a disabled subscription's
            // delivery is not scheduled, it fails.
            completion(s4, attempt: 1, at: f.at(2_500), status: 503, next: .retry(at: f.at(10_000))),
        ])
        let disabled = try #require(try await store.get(id: s.id, owner: f.owner))
        #expect(disabled.status == .disabled)
        #expect(disabled.disabledReason == reason)
        #expect(disabled.updatedAt == f.at(2_000))
        #expect(try await store.get(id: t.id, owner: f.owner) == t)

        func status(_ d: Delivery) async throws -> DeliveryStatus? { try await store.delivery(id: d.id, owner: f.owner)?.status }
        #expect(try await status(s1) == .failed)
        #expect(try await store.delivery(id: s1.id, owner: f.owner)?.lastStatusCode == 410)
        #expect(try await status(s2) == .failed)
        #expect(try await store.delivery(id: s2.id, owner: f.owner)?.completedAt == f.at(2_000))
        #expect(try await status(s3) == .delivered)
        #expect(try await status(s4) == .failed)
        #expect(try await store.delivery(id: s4.id, owner: f.owner)?.lastError == "subscription disabled: " + reason)
        #expect(try await store.delivery(id: s4.id, owner: f.owner)?.attempts == 1)
        #expect(try await status(t1) == .inflight)
        #expect(try await store.attempts(deliveryId: s4.id).map(\.statusCode) == [503])

        // No new deliveries for s; t goes on.
        let e5 = f.event(5, flight: "D")
        #expect(try await store.enqueue([(e5, [s.id, t.id])], now: f.at(3_000)) == 1)
        let more = try await store.claim(limit: 10, now: f.at(3_000), lease: .seconds(60))
        #expect(more.map(\.subscription.id) == [t.id])
        #expect(more.map(\.event.id) == [e5.id])
        // t1's lease ends: it comes back; s4 does not (it failed).
        let late = try await store.claim(limit: 10, now: f.at(60_000), lease: .seconds(60))
        #expect(Set(late.map(\.delivery.id)) == [t1.id])
    }

    // MARK: - The log

    /// Deliveries of another owner's subscription do not exist for you: not readable, not listable,
    /// not redeliverable or recoverable. The admin owner is an owner like the others.
    public static func ownerIsolation(_ store: Store) async throws {
        let a = Fixture(), b = Fixture()
        let subA = a.subscription(0), subB = b.subscription(0)
        _ = try await store.create(subA, secret: a.secret(0), idempotency: nil)
        _ = try await store.create(subB, secret: b.secret(0), idempotency: nil)
        let e = a.event(1, flight: "A")
        #expect(try await store.enqueue([(e, [subA.id, subB.id])], now: a.at(0)) == 2)
        let mine = try #require(try await log(store, subA, a).first)
        let theirs = try #require(try await log(store, subB, b).first)

        #expect(try await store.delivery(id: mine.id, owner: a.owner) == mine)
        #expect(try await store.delivery(id: mine.id, owner: b.owner) == nil)
        #expect(try await store.delivery(id: mine.id, owner: "admin") == nil)
        #expect(try await store.delivery(id: theirs.id, owner: a.owner) == nil)
        await StoreContract.expectStoreError(.notFound) {
            _ = try await store.deliveries(subscriptionId: subA.id, owner: b.owner, status: nil, after: nil, limit: 10)
        }
        await StoreContract.expectStoreError(.notFound) {
            _ = try await store.deliveries(subscriptionId: a.id(42), owner: a.owner, status: nil, after: nil, limit: 10)
        }
        #expect(try await store.redeliver(id: mine.id, owner: b.owner, now: a.at(5)) == false)
        await StoreContract.expectStoreError(.notFound) {
            _ = try await store.recover(subscriptionId: subA.id, owner: b.owner, since: a.at(0), now: a.at(5))
        }
        #expect(try await store.delivery(id: mine.id, owner: a.owner) == mine)
        #expect(try await store.deliveries(subscriptionId: subB.id, owner: b.owner, status: nil, after: nil, limit: 10).items == [theirs])
    }

    /// The log of a subscription, newest first, in pages: every delivery exactly once, `nextCursor`
    /// nil on the last page (also when it ends exactly at the last row), filters by status, other
    /// subscriptions' rows never included.
    public static func pagination(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0), other = f.subscription(1)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        _ = try await store.create(other, secret: f.secret(1), idempotency: nil)
        for i in 0..<25 {
            let subscribers = i % 4 == 0 ? [s.id, other.id] : [s.id]
            #expect(try await store.enqueue([(f.event(i, flight: "F\(i)"), subscribers)], now: f.at(i * 1_000)) == subscribers.count)
        }
        func pages(status: DeliveryStatus?, limit: Int) async throws -> (items: [Delivery], sizes: [Int]) {
            var items: [Delivery] = [], sizes: [Int] = [], cursor: String?
            repeat {
                let page = try await store.deliveries(subscriptionId: s.id, owner: f.owner, status: status, after: cursor, limit: limit)
                items += page.items
                sizes.append(page.items.count)
                cursor = page.nextCursor
            } while cursor != nil && sizes.count < 20
            return (items, sizes)
        }
        let all = try await pages(status: nil, limit: 10)
        #expect(all.sizes == [10, 10, 5])
        #expect(all.items.map(\.sequence) == Array((1...25).reversed()))
        #expect(all.items.allSatisfy { $0.subscriptionId == s.id })
        #expect(all.items.last?.eventId == f.event(0).id)
        #expect(try await pages(status: nil, limit: 5).sizes == [5, 5, 5, 5, 5])
        let one = try await store.deliveries(subscriptionId: s.id, owner: f.owner, status: nil, after: nil, limit: 25)
        #expect(one.items.count == 25 && one.nextCursor == nil)

        // Deliver the even sequences, fail the odd ones.
        let claimed = try await store.claim(limit: 100, now: f.at(30_000), lease: .seconds(60)).map(\.delivery).filter { $0.subscriptionId == s.id }
        #expect(claimed.count == 25)
        try await store.complete(claimed.map { d in
            completion(d, attempt: 1, at: f.at(31_000), status: d.sequence % 2 == 0 ? 200 : 500, next: d.sequence % 2 == 0 ? .delivered : .failed)
        })
        let delivered = try await pages(status: .delivered, limit: 4)
        #expect(delivered.items.map(\.sequence) == stride(from: 24, through: 2, by: -2).map { Int64($0) })
        #expect(delivered.sizes == [4, 4, 4])
        let failed = try await pages(status: .failed, limit: 13)
        #expect(failed.items.map(\.sequence) == stride(from: 25, through: 1, by: -2).map { Int64($0) })
        #expect(failed.sizes == [13])
        #expect(try await pages(status: .pending, limit: 10).items.isEmpty)
    }

    /// Redeliver makes a delivery due now whatever its status (delivered, or retrying later), keeps
    /// its attempt count, and puts it first in its group again.
    public static func redeliver(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        let a1 = f.event(1, flight: "A"), a2 = f.event(2, flight: "A"), b1 = f.event(3, flight: "B")
        #expect(try await store.enqueue([(a1, [s.id]), (a2, [s.id]), (b1, [s.id])], now: f.at(0)) == 3)
        let first = try await store.claim(limit: 10, now: f.at(0), lease: .seconds(60)).map(\.delivery)
        let d1 = try #require(first.first { $0.sequence == 1 }), d3 = try #require(first.first { $0.sequence == 3 })
        try await store.complete([completion(d1, attempt: 1, at: f.at(1_000), next: .delivered),
                                  completion(d3, attempt: 1, at: f.at(1_000), status: 500, next: .retry(at: f.at(3_600_000)))])

        // d1 is delivered and d2 (same flight) is now due; redelivering d1 puts it first again.
        #expect(try await store.redeliver(id: d1.id, owner: f.owner, now: f.at(2_000)))
        let again = try #require(try await store.delivery(id: d1.id, owner: f.owner))
        #expect(again.status == .pending)
        #expect(again.nextAttemptAt == f.at(2_000))
        #expect(again.completedAt == nil && again.leaseUntil == nil)
        #expect(again.attempts == 1)
        // d3 was retrying an hour later: now due at once.
        #expect(try await store.redeliver(id: d3.id, owner: f.owner, now: f.at(2_000)))
        let claimed = try await store.claim(limit: 10, now: f.at(2_000), lease: .seconds(60))
        #expect(Set(claimed.map(\.delivery.id)) == [d1.id, d3.id])
        #expect(claimed.first { $0.delivery.id == d1.id }?.event == a1)

        #expect(try await store.redeliver(id: f.id(404, prefix: "dlv"), owner: f.owner, now: f.at(2_000)) == false)
    }

    /// A group handed on twice within one acknowledgement batch. d2 is inflight when d1 is
    /// redelivered (d1 goes first again and is claimed); one batch then reports both delivered,
    /// d1 first: d1 hands the group to d2, and d2, now first, hands it to d3, which is claimable.
    public static func handOnWithinBatch(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        let events = (1...3).map { f.event($0, flight: "A") }
        #expect(try await store.enqueue(events.map { ($0, [s.id]) }, now: f.at(0)) == 3)
        let lease = Duration.seconds(600)
        let d1 = try #require(try await store.claim(limit: 10, now: f.at(0), lease: lease).only).delivery
        #expect(d1.sequence == 1)
        try await store.complete([completion(d1, attempt: 1, at: f.at(1_000), next: .delivered)])
        let d2 = try #require(try await store.claim(limit: 10, now: f.at(1_000), lease: lease).only).delivery
        #expect(d2.sequence == 2)
        #expect(try await store.redeliver(id: d1.id, owner: f.owner, now: f.at(2_000)))
        let again = try #require(try await store.claim(limit: 10, now: f.at(2_000), lease: lease).only).delivery
        #expect(again.id == d1.id, "the redelivered one goes first; d2 is held back though inflight")

        var first = completion(again, attempt: 2, at: f.at(3_000), next: .delivered)
        first.claim = again.leaseUntil
        var second = completion(d2, attempt: 1, at: f.at(3_000), next: .delivered)
        second.claim = d2.leaseUntil
        try await store.complete([first, second])
        #expect(try await store.delivery(id: d2.id, owner: f.owner)?.status == .delivered)
        let d3 = try await store.claim(limit: 10, now: f.at(3_000), lease: lease)
        #expect(d3.map(\.delivery.sequence) == [3], "the group went on to d3")
    }

    /// Recover requeues the subscription's failed deliveries created at or after `since`, and only
    /// those; it returns how many.
    public static func recover(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        for i in 0..<4 {
            #expect(try await store.enqueue([(f.event(i, flight: "F\(i)"), [s.id])], now: f.at(i * 1_000)) == 1)
        }
        let claimed = try await store.claim(limit: 10, now: f.at(10_000), lease: .seconds(60)).map(\.delivery).sorted { $0.sequence < $1.sequence }
        #expect(claimed.count == 4)
        try await store.complete(claimed.map { d in
            completion(d, attempt: 1, at: f.at(11_000), status: d.sequence == 4 ? 200 : 500, next: d.sequence == 4 ? .delivered : .failed)
        })

        #expect(try await store.recover(subscriptionId: s.id, owner: f.owner, since: f.at(1_000), now: f.at(20_000)) == 2)
        let statuses = try await log(store, s, f).map(\.status)
        #expect(statuses == [.failed, .pending, .pending, .delivered])
        let requeued = try #require(try await store.delivery(id: claimed[1].id, owner: f.owner))
        #expect(requeued.nextAttemptAt == f.at(20_000))
        #expect(requeued.completedAt == nil)
        #expect(try await store.claim(limit: 10, now: f.at(19_999), lease: .seconds(60)).isEmpty)
        #expect(Set(try await store.claim(limit: 10, now: f.at(20_000), lease: .seconds(60)).map(\.delivery.id)) == [claimed[1].id, claimed[2].id])
        #expect(try await store.recover(subscriptionId: s.id, owner: f.owner, since: f.at(1_000), now: f.at(21_000)) == 0)
    }

    // MARK: - Retention

    /// Prune deletes deliveries finished before the cutoff with their attempts, and events created
    /// before it that nothing references any more; unfinished and recent deliveries, and events
    /// still referenced, stay. (An event that is gone can be enqueued again.)
    public static func prune(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0), t = f.subscription(1)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        _ = try await store.create(t, secret: f.secret(1), idempotency: nil)
        let old1 = f.event(1, flight: "A"), old2 = f.event(2, flight: "B"), shared = f.event(3, flight: "C")
        let waiting = f.event(4, flight: "D"), orphan = f.event(5, flight: "E"), recent = f.event(6, flight: "F")
        #expect(try await store.enqueue([(old1, [s.id]), (old2, [s.id]), (shared, [s.id, t.id]), (waiting, [s.id]), (orphan, [])], now: f.at(0)) == 5)
        let claimed = try await store.claim(limit: 10, now: f.at(0), lease: .seconds(60))
        func pick(_ sub: Subscription, _ e: FlightEvent) throws -> Delivery {
            try #require(claimed.first { $0.subscription.id == sub.id && $0.event.id == e.id }).delivery
        }
        try await store.complete([
            completion(try pick(s, old1), attempt: 1, at: f.at(10_000), next: .delivered),
            completion(try pick(s, old2), attempt: 1, at: f.at(10_000), status: 500, next: .failed),
            completion(try pick(s, shared), attempt: 1, at: f.at(10_000), next: .delivered),
            completion(try pick(t, shared), attempt: 1, at: f.at(10_000), status: 503, next: .retry(at: f.at(9_000_000))),
            completion(try pick(s, waiting), attempt: 1, at: f.at(10_000), status: 503, next: .retry(at: f.at(9_000_000))),
        ])
        #expect(try await store.enqueue([(recent, [s.id])], now: f.at(900_000)) == 1)
        let r = try #require(try await store.claim(limit: 10, now: f.at(900_000), lease: .seconds(60)).first { $0.event.id == recent.id })
        try await store.complete([completion(r.delivery, attempt: 1, at: f.at(1_000_000), next: .delivered)])

        #expect(try await store.prune(before: f.at(500_000)) == 3)
        let gone = [try pick(s, old1), try pick(s, old2), try pick(s, shared)]
        for d in gone {
            #expect(try await store.delivery(id: d.id, owner: f.owner) == nil)
            #expect(try await store.attempts(deliveryId: d.id).isEmpty)
        }
        #expect(try await store.delivery(id: try pick(t, shared).id, owner: f.owner)?.status == .pending)
        #expect(try await store.delivery(id: try pick(s, waiting).id, owner: f.owner)?.status == .pending)
        #expect(try await store.delivery(id: r.delivery.id, owner: f.owner)?.status == .delivered)
        #expect(try await store.attempts(deliveryId: r.delivery.id).count == 1)
        #expect(try await log(store, s, f).map(\.eventId) == [waiting.id, recent.id])

        // Events: the pruned ones and the orphan are gone, the one t still needs and the recent one stay.
        #expect(try await store.enqueue([(old1, [s.id]), (orphan, [s.id])], now: f.at(1_100_000)) == 2)
        #expect(try await store.enqueue([(shared, [s.id]), (recent, [s.id])], now: f.at(1_100_000)) == 0)
        #expect(try await store.prune(before: f.at(500_000)) == 0)
    }

    /// Pending, inflight, retrying and the oldest pending delivery's age, as the queue moves.
    public static func queueStats(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        #expect(try await store.queueStats(now: f.at(0)) == QueueStats(pending: 0, inflight: 0, retrying: 0, oldestPendingAge: nil))
        #expect(try await store.enqueue((1...4).map { (f.event($0, flight: "F\($0)"), [s.id]) }, now: f.at(0)) == 4)
        #expect(try await store.enqueue([(f.event(5, flight: "F1"), [s.id])], now: f.at(100_000)) == 1)

        let start = try await store.queueStats(now: f.at(200_000))
        #expect(start.pending == 5 && start.inflight == 0 && start.retrying == 0)
        #expect(abs((start.oldestPendingAge ?? -1) - 200) < 1e-6)

        let claimed = try await store.claim(limit: 2, now: f.at(200_000), lease: .seconds(60)).map(\.delivery)
        #expect(claimed.count == 2)
        let busy = try await store.queueStats(now: f.at(200_000))
        #expect(busy.pending == 3 && busy.inflight == 2 && busy.retrying == 0)

        try await store.complete([completion(claimed[0], attempt: 1, at: f.at(201_000), status: 500, next: .retry(at: f.at(260_000))),
                                  completion(claimed[1], attempt: 1, at: f.at(201_000), next: .delivered)])
        let after = try await store.queueStats(now: f.at(300_000))
        #expect(after.pending == 4 && after.inflight == 0 && after.retrying == 1)
        #expect(abs((after.oldestPendingAge ?? -1) - 300) < 1e-6)

        let rest = try await store.claim(limit: 10, now: f.at(300_000), lease: .seconds(60)).map(\.delivery)
        try await store.complete(rest.map { completion($0, attempt: $0.attempts + 1, at: f.at(301_000), next: .delivered) })
        let more = try await store.claim(limit: 10, now: f.at(302_000), lease: .seconds(60)).map(\.delivery)
        try await store.complete(more.map { completion($0, attempt: $0.attempts + 1, at: f.at(303_000), next: .delivered) })
        #expect(rest.count + more.count == 4)
        #expect(try await store.queueStats(now: f.at(400_000)) == QueueStats(pending: 0, inflight: 0, retrying: 0, oldestPendingAge: nil))
    }

    /// Deleting a subscription deletes its deliveries; a late completion for one is ignored, and
    /// events for it enqueue nothing.
    public static func deletedSubscription(_ store: Store) async throws {
        let f = Fixture()
        let s = f.subscription(0)
        _ = try await store.create(s, secret: f.secret(0), idempotency: nil)
        #expect(try await store.enqueue([(f.event(1, flight: "A"), [s.id])], now: f.at(0)) == 1)
        let d = try #require(try await store.claim(limit: 10, now: f.at(0), lease: .seconds(60)).first).delivery
        #expect(try await store.delete(id: s.id, owner: f.owner))
        try await store.complete([completion(d, attempt: 1, at: f.at(1_000), next: .delivered)])
        #expect(try await store.delivery(id: d.id, owner: f.owner) == nil)
        #expect(try await store.attempts(deliveryId: d.id).isEmpty)
        #expect(try await store.enqueue([(f.event(2, flight: "A"), [s.id])], now: f.at(2_000)) == 0)
        #expect(try await store.claim(limit: 10, now: f.at(100_000), lease: .seconds(60)).isEmpty)
        #expect(try await store.queueStats(now: f.at(100_000)).pending == 0)
    }

    // MARK: - Concurrency

    /// Four workers claiming (and acknowledging) at once from 1,000 deliveries: no delivery is
    /// claimed twice, and together they claim all of them.
    public static func concurrentClaims(_ store: Store) async throws {
        let f = Fixture()
        let subs = (0..<4).map { f.subscription($0) }
        for (i, sub) in subs.enumerated() { _ = try await store.create(sub, secret: f.secret(i), idempotency: nil) }
        let events: [(event: FlightEvent, subscriptionIds: [String])] = (0..<250).map { (f.event($0, flight: "F\($0)"), subs.map(\.id)) }
        #expect(try await store.enqueue(events, now: f.at(0)) == 1_000)

        let perWorker = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let claimed = try await store.claim(limit: 37, now: f.at(1_000), lease: .seconds(600))
                        if claimed.isEmpty { return mine }
                        mine += claimed.map(\.delivery.id)
                        try await store.complete(claimed.map { completion($0.delivery, attempt: 1, at: f.at(1_000), next: .delivered) })
                    }
                }
            }
            var all: [[String]] = []
            for try await ids in group { all.append(ids) }
            return all
        }
        let ids = perWorker.flatMap { $0 }
        #expect(ids.count == 1_000)
        #expect(Set(ids).count == 1_000)
        #expect(try await store.queueStats(now: f.at(2_000)) == QueueStats(pending: 0, inflight: 0, retrying: 0, oldestPendingAge: nil))
        for sub in subs {
            let page = try await store.deliveries(subscriptionId: sub.id, owner: f.owner, status: .delivered, after: nil, limit: 1_000)
            #expect(page.items.count == 250)
        }
    }

    // MARK: - Helpers

    /// A completion of `delivery`'s attempt number `attempt`, made at `at`.
    static func completion(_ delivery: Delivery, attempt: Int, at: Date, status: Int? = 200, error: String? = nil,
                           next: DeliveryCompletion.Next) -> DeliveryCompletion {
        DeliveryCompletion(attempt: DeliveryAttempt(deliveryId: delivery.id, attempt: attempt, at: at, statusCode: status, latencyMs: 5,
                                                    responseSnippet: status.map { "HTTP \($0)" }, error: error),
                           next: next)
    }

    /// A subscription's whole log, oldest first (by sequence).
    static func log(_ store: Store, _ subscription: Subscription, _ f: Fixture) async throws -> [Delivery] {
        var items: [Delivery] = []
        var cursor: String?
        repeat {
            let page = try await store.deliveries(subscriptionId: subscription.id, owner: f.owner, status: nil, after: cursor, limit: 100)
            items += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return items.sorted { $0.sequence < $1.sequence }
    }

    /// Whether two dates fall on the same millisecond (for dates a backend computes).
    static func sameMillisecond(_ a: Date?, _ b: Date) -> Bool {
        guard let a else { return false }
        return (a.timeIntervalSince1970 * 1000).rounded() == (b.timeIntervalSince1970 * 1000).rounded()
    }
}

extension StoreContract.Fixture {
    /// The n-th event of this fixture (ids sort by `n`), happening at `at(n)`.
    func event(_ n: Int, type: EventType = .takeoff, flight: String? = nil, frequency: String? = nil, airport: String? = nil,
               data: [String: JSONValue] = [:]) -> FlightEvent {
        FlightEvent(id: id(n, prefix: "evt"), type: type, at: at(n), flightId: flight, airport: airport, frequencyId: frequency, data: data)
    }
}

extension Array {
    /// The one element of a one-element array, else nil.
    var only: Element? { count == 1 ? first : nil }
}
