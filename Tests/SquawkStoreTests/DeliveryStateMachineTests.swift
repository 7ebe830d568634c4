import Foundation
import SquawkCore
import SquawkStore
import Testing

/// The delivery state machine (Sources/SquawkStore/DeliveryStateMachine.swift), by value: every
/// transition as a row of a table. The store contract suite proves both stores persist what it decides.
@Suite("Delivery state machine")
struct DeliveryStateMachineTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static func at(_ s: Double) -> Date { t0.addingTimeInterval(s) }

    // MARK: - Step 1: what an attempt means

    struct DecisionRow: Sendable, CustomTestStringConvertible {
        var result: AttemptResult
        var attempt = 1
        var format = PayloadFormat.json
        /// Seconds the subscription has been failing at the attempt (nil: it is not).
        var failingFor: Double?
        var expected: DeliveryAction
        var testDescription: String { "\(result) attempt \(attempt) \(format) failing \(failingFor.map { "\($0) s" } ?? "no") → \(expected)" }
    }

    static let gone = "the endpoint answered 410 Gone"
    static let decisions: [DecisionRow] = [
        .init(result: .response(status: 200, retryAfter: nil), expected: .delivered),
        .init(result: .response(status: 204, retryAfter: nil), failingFor: 10 * 86_400, expected: .delivered),
        .init(result: .response(status: 410, retryAfter: nil), expected: .disableSubscription(reason: gone)),
        .init(result: .response(status: 404, retryAfter: nil), format: .discord,
              expected: .disableSubscription(reason: "Discord answered 404: the webhook was deleted")),
        .init(result: .response(status: 404, retryAfter: nil),
              expected: .retry(delay: 5, throttleEndpoint: false, reason: "the endpoint answered 404")),
        .init(result: .response(status: 429, retryAfter: 60),
              expected: .retry(delay: 60, throttleEndpoint: true, reason: "the endpoint answered 429")),
        .init(result: .response(status: 429, retryAfter: 1),
              expected: .retry(delay: 5, throttleEndpoint: true, reason: "the endpoint answered 429")),
        .init(result: .response(status: 503, retryAfter: nil),
              expected: .retry(delay: 5, throttleEndpoint: true, reason: "the endpoint answered 503")),
        .init(result: .response(status: 500, retryAfter: nil), attempt: 2,
              expected: .retry(delay: 300, throttleEndpoint: false, reason: "the endpoint answered 500")),
        .init(result: .response(status: 302, retryAfter: nil),
              expected: .retry(delay: 5, throttleEndpoint: false, reason: "the endpoint answered 302 (redirects are not followed)")),
        .init(result: .transportError(kind: "timeout", message: "15 s"), attempt: 2,
              expected: .retry(delay: 300, throttleEndpoint: false, reason: "timeout: 15 s")),
        .init(result: .response(status: 500, retryAfter: nil), attempt: 3,
              expected: .fail(reason: "the endpoint answered 500; gave up after 3 attempts")),
        .init(result: .peerRefused(message: "127.0.0.1 is private"), expected: .fail(reason: "refused to connect: 127.0.0.1 is private")),
        // The failure clock: failing for less than disableAfter (5 days) changes nothing…
        .init(result: .response(status: 500, retryAfter: nil), failingFor: 4 * 86_400,
              expected: .retry(delay: 5, throttleEndpoint: false, reason: "the endpoint answered 500")),
        // …failing for it or longer turns a retry or a failure into disabling the subscription.
        .init(result: .response(status: 500, retryAfter: nil), failingFor: 5 * 86_400,
              expected: .disableSubscription(reason: "every delivery failed for 5.0 days (since 2027-01-10T08:00:00Z)")),
        .init(result: .peerRefused(message: "x"), failingFor: 6 * 86_400,
              expected: .disableSubscription(reason: "every delivery failed for 6.0 days (since 2027-01-09T08:00:00Z)")),
        .init(result: .response(status: 410, retryAfter: nil), failingFor: 6 * 86_400, expected: .disableSubscription(reason: gone)),
    ]

    @Test("what an attempt's result means", arguments: decisions)
    func decision(_ row: DecisionRow) {
        var rng = SplitMix64(seed: 9)
        let policy = RetryPolicy(schedule: [0, 5, 300], jitter: 0)
        let now = Self.at(0)
        let action = DeliveryDecision.decide(row.result, attempt: row.attempt, format: row.format, policy: policy,
                                             failingSince: row.failingFor.map { now.addingTimeInterval(-$0) },
                                             disableAfter: 5 * 86_400, now: now, using: &rng)
        #expect(action == row.expected)
    }

    @Test("an action becomes the completion that records it")
    func actionToCompletion() {
        let a = attempt("d", 2, at: 0, status: 500)
        #expect(DeliveryAction.delivered.completion(a, now: Self.at(0)).next == .delivered)
        #expect(DeliveryAction.retry(delay: 30, throttleEndpoint: true, reason: "x").completion(a, now: Self.at(0)).next == .retry(at: Self.at(30)))
        let failed = DeliveryAction.fail(reason: "gave up").completion(a, now: Self.at(0))
        #expect(failed.next == .failed)
        #expect(failed.attempt.error == "gave up")
        #expect(DeliveryAction.disableSubscription(reason: "gone").completion(a, now: Self.at(0), claim: Self.at(60))
                == DeliveryCompletion(attempt: a, next: .disableSubscription(reason: "gone"), claim: Self.at(60)))
    }

    // MARK: - Step 2: what a completion does to the row

    struct AppliedRow: Sendable, CustomTestStringConvertible {
        var attemptNumber: Int
        var next: DeliveryCompletion.Next
        var status: DeliveryStatus
        var attempts: Int
        var nextAttemptAt: Date
        var completedAt: Date?
        var lastStatusCode: Int?
        var testDescription: String { "attempt \(attemptNumber) \(next) → \(status)" }
    }

    /// The row before: inflight, 2 attempts, last status 503, due at 0, leased until 60.
    static let applied: [AppliedRow] = [
        .init(attemptNumber: 3, next: .delivered, status: .delivered, attempts: 3, nextAttemptAt: at(0), completedAt: at(10), lastStatusCode: 200),
        .init(attemptNumber: 3, next: .retry(at: at(100)), status: .pending, attempts: 3, nextAttemptAt: at(100), completedAt: nil, lastStatusCode: 200),
        .init(attemptNumber: 3, next: .failed, status: .failed, attempts: 3, nextAttemptAt: at(0), completedAt: at(10), lastStatusCode: 200),
        .init(attemptNumber: 3, next: .disableSubscription(reason: "gone"), status: .failed, attempts: 3, nextAttemptAt: at(0),
              completedAt: at(10), lastStatusCode: 200),
        // A repeated send after an expired lease is not counted twice.
        .init(attemptNumber: 2, next: .delivered, status: .delivered, attempts: 2, nextAttemptAt: at(0), completedAt: at(10), lastStatusCode: 200),
        // Attempt 0 (paced, never sent): counts and last status untouched.
        .init(attemptNumber: 0, next: .retry(at: at(7)), status: .pending, attempts: 2, nextAttemptAt: at(7), completedAt: nil, lastStatusCode: 503),
    ]

    @Test("what a completion makes of the row", arguments: applied)
    func appliedRow(_ row: AppliedRow) {
        let before = delivery("d", status: .inflight, attempts: 2, lease: 60, lastStatusCode: 503)
        let after = DeliveryCompletion(attempt: attempt("d", row.attemptNumber, at: 10, status: row.attemptNumber > 0 ? 200 : nil),
                                       next: row.next).applied(to: before)
        #expect(after.status == row.status)
        #expect(after.attempts == row.attempts)
        #expect(after.nextAttemptAt == row.nextAttemptAt)
        #expect(after.completedAt == row.completedAt)
        #expect(after.lastStatusCode == row.lastStatusCode)
        #expect(after.leaseUntil == nil)
    }

    @Test("an expired delivery ends expired with its reason, no attempt logged, the failure clock untouched")
    func expired() {
        let before = delivery("d", status: .inflight, attempts: 2, lease: 60, lastStatusCode: 429)
        let c = DeliveryCompletion(attempt: attempt("d", 0, at: 10, status: nil), next: .expired(reason: "expired: 1200 s old"))
        let after = c.applied(to: before)
        #expect(after.status == .expired)
        #expect(after.lastError == "expired: 1200 s old")
        #expect(after.attempts == 2)
        #expect(after.lastStatusCode == 429)
        #expect(after.completedAt == Self.at(10))
        let plan = CompletionPlan([c], current: ["d": before])
        #expect(plan.attempts.isEmpty)
        #expect(plan.clocks.isEmpty)
        #expect(plan.saves == [after])
    }

    @Test("a completion applies to an unfinished delivery, and only while its claim still holds it")
    func applies() {
        let inflight = delivery("d", status: .inflight, attempts: 1, lease: 60)
        let c = DeliveryCompletion(attempt: attempt("d", 1, at: 5), next: .delivered, claim: Self.at(60))
        #expect(c.applies(to: inflight))
        var reclaimed = inflight
        reclaimed.leaseUntil = Self.at(120)
        #expect(!c.applies(to: reclaimed))
        #expect(!c.applies(to: delivery("d", status: .pending, attempts: 1)))
        #expect(!c.applies(to: delivery("d", status: .delivered, attempts: 1)))
        #expect(!c.applies(to: delivery("d", status: .failed, attempts: 1)))
        var unclaimed = c
        unclaimed.claim = nil
        #expect(unclaimed.applies(to: delivery("d", status: .pending, attempts: 1)))
        #expect(!unclaimed.applies(to: delivery("d", status: .failed, attempts: 1)))
    }

    // MARK: - The failure clock

    @Test("the failure clock over a batch", arguments: [
        ("", nil as Double?, nil as Double?),
        ("S", 50, nil),
        ("F", nil, 1),
        ("F", 50, 50),
        ("FF", nil, 1),
        ("SF", 50, 2),
        ("FSF", 50, 3),
        ("FS", 50, nil),
        ("SFF", nil, 2),
    ])
    func clock(_ sequence: String, _ before: Double?, _ after: Double?) {
        var clock = FailureClock()
        for (i, c) in sequence.enumerated() {
            if c == "S" { clock.succeeded() } else { clock.failed(at: Self.at(Double(i + 1))) }
        }
        #expect(clock.failingSince(before: before.map(Self.at)) == after.map(Self.at))
    }

    // MARK: - Step 3: a batch

    @Test("a batch: saves in order of change, attempts 1+ logged, a stale claim logged but not applied, a vanished delivery skipped")
    func batch() {
        let rows = [
            delivery("a", status: .inflight, attempts: 0, lease: 60),
            delivery("b", status: .inflight, attempts: 0, lease: 60),
            delivery("c", status: .inflight, attempts: 0, lease: 120),
        ].reduce(into: [String: Delivery]()) { $0[$1.id] = $1 }
        let plan = CompletionPlan([
            DeliveryCompletion(attempt: attempt("b", 1, at: 1, status: 500), next: .retry(at: Self.at(30)), claim: Self.at(60)),
            DeliveryCompletion(attempt: attempt("a", 0, at: 2), next: .retry(at: Self.at(9)), claim: Self.at(60)),
            DeliveryCompletion(attempt: attempt("c", 1, at: 3), next: .delivered, claim: Self.at(60)),  // c was claimed again
            DeliveryCompletion(attempt: attempt("gone", 1, at: 4), next: .delivered),
        ], current: rows)
        #expect(plan.saves.map(\.id) == ["b", "a"])
        #expect(plan.saves.map(\.status) == [.pending, .pending])
        #expect(plan.attempts.map(\.deliveryId) == ["b", "c"])
        #expect(plan.disables.isEmpty)
        // Attempts 1+ move their subscription's clock, c's too (its send happened): b failed, then c succeeded.
        #expect(plan.clocks["s"]?.outcome == .stopped)
    }

    @Test("disabling fails the subscription's pending deliveries in the batch, and a later retry in the batch fails instead")
    func disable() {
        var rows: [String: Delivery] = [:]
        for d in [delivery("s1", status: .inflight, attempts: 0, lease: 60),
                  delivery("s2", status: .pending, attempts: 1),
                  delivery("s3", status: .inflight, attempts: 0, lease: 60),
                  delivery("s4", status: .inflight, attempts: 0, lease: 60),
                  delivery("t1", status: .pending, attempts: 0, subscription: "t")] { rows[d.id] = d }
        let plan = CompletionPlan([
            DeliveryCompletion(attempt: attempt("s1", 1, at: 1, status: 410), next: .disableSubscription(reason: "gone")),
            DeliveryCompletion(attempt: attempt("s2", 2, at: 2, status: 503), next: .retry(at: Self.at(50))),  // already failed: logged only
            DeliveryCompletion(attempt: attempt("s3", 1, at: 3, status: 503), next: .retry(at: Self.at(50))),
            DeliveryCompletion(attempt: attempt("s4", 1, at: 4), next: .delivered),
        ], current: rows)
        #expect(plan.disables == [CompletionPlan.Disable(subscriptionId: "s", reason: "gone", at: Self.at(1))])
        let saved = Dictionary(uniqueKeysWithValues: plan.saves.map { ($0.id, $0) })
        #expect(plan.saves.map(\.id) == ["s1", "s2", "s3", "s4"])
        #expect(saved["s1"]?.status == .failed)
        #expect(saved["s1"]?.lastStatusCode == 410)
        #expect(saved["s2"]?.status == .failed)
        #expect(saved["s2"]?.lastError == "subscription disabled: gone")
        #expect(saved["s2"]?.completedAt == Self.at(1))
        #expect(saved["s3"]?.status == .failed)
        #expect(saved["s3"]?.lastError == "subscription disabled: gone")
        #expect(saved["s3"]?.attempts == 1)
        #expect(saved["s4"]?.status == .delivered)  // what was delivered stays delivered
        #expect(saved["t1"] == nil)
        #expect(plan.attempts.map(\.deliveryId) == ["s1", "s2", "s3", "s4"])
        #expect(plan.clocks["s"]?.outcome == .stopped)
    }

    // MARK: - Fixtures

    func delivery(_ id: String, status: DeliveryStatus, attempts: Int, lease: Double? = nil, lastStatusCode: Int? = nil,
                  subscription: String = "s") -> Delivery {
        Delivery(id: id, eventId: "e-" + id, subscriptionId: subscription, sequence: 1, orderingKey: subscription + "/" + id, status: status,
                 attempts: attempts, nextAttemptAt: Self.at(0), leaseUntil: lease.map(Self.at), lastStatusCode: lastStatusCode, createdAt: Self.at(0))
    }

    func attempt(_ id: String, _ n: Int, at s: Double, status: Int? = 200) -> DeliveryAttempt {
        DeliveryAttempt(deliveryId: id, attempt: n, at: Self.at(s), statusCode: status, latencyMs: 3, responseSnippet: nil, error: nil)
    }
}
