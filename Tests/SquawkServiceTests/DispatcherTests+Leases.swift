import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import SquawkCore
import SquawkHTTP
@testable import SquawkServer
import SquawkSQLite
import SquawkStore
import SquawkTesting
import Testing

/// Claims and their leases: a send never outlives its claim, and a claim that ran out is handed
/// back rather than sent twice (real store, curl, loopback receiver).
extension DispatcherTests {
    @Test("a claim that ran out while its batch waited is not sent but handed back, due at once: it is never sent twice, nor held until its lease ends")
    func expiredClaimNotSent() async throws {
        try await H.with { h in
            let sub = try await h.subscribe("late")
            let events = (1...3).map { H.event($0, flight: "F\($0)") }
            try await h.enqueue(events, to: sub, at: Self.t0)
            let claimed = try await h.store.claim(limit: 10, now: Self.t0, lease: h.configuration.lease)
            #expect(claimed.count == 3)
            // The dispatcher's clock is past the claim's lease (minus its margin) when the batch's turn comes.
            let late = Self.t0.addingTimeInterval(h.configuration.lease.timeInterval - 1)
            let dispatcher = Dispatcher(store: h.store, transport: h.transport, endpointPolicy: H.loopback, configuration: h.configuration,
                                        clock: TestClock(late))
            let (completions, _) = await dispatcher.send(claimed, now: Self.t0,
                                                          leaseEnds: Self.t0.addingTimeInterval(h.configuration.lease.timeInterval))
            #expect(h.receiver.count == 0, "nothing was sent")
            // Handed back, due at once, no attempt counted.
            #expect(completions.count == 3)
            #expect(completions.allSatisfy { $0.attempt.attempt == 0 })
            try await h.store.complete(completions)
            let back = try await h.delivery(events[0], of: sub)
            #expect(back.status == .pending)
            #expect(back.attempts == 0)
            #expect(back.nextAttemptAt == late)
            #expect(try await h.attempts(events[0], of: sub).isEmpty)
            // The next claim sends each once.
            #expect(try await h.tick(late) == 3)
            #expect(try await h.delivery(events[0], of: sub).status == .delivered)
            #expect(try await h.attempts(events[0], of: sub).map(\.attempt) == [1])
            #expect(h.receiver.count == 3)
        }
    }

    @Test("a claim that took most of its lease to come back (a stalled store) is not sent: the lease runs from before the claim; it is handed back and sent once on the next claim")
    func stalledClaimNotSent() async throws {
        try await H.with { h in
            let sub = try await h.subscribe("stalled")
            let events = (1...3).map { H.event($0, flight: "F\($0)") }
            try await h.enqueue(events, to: sub, at: Self.t0)
            let clock = TestClock(Self.t0)
            // The first claim's rows are leased from t0, and it returns 1 s before that lease ends.
            let lease = h.configuration.lease.timeInterval
            let store = StalledClaims(h.store, clock: clock, stall: lease - 1)
            let dispatcher = Dispatcher(store: store, transport: h.transport, endpointPolicy: H.loopback, configuration: h.configuration,
                                        clock: clock)
            let stopping = NIOLockedValueBox(false)
            let loop = Task { await dispatcher.pipeline(stopping: stopping) }
            defer { loop.cancel() }
            try await CrashRecoveryTests.wait("three deliveries", seconds: 30) { h.receiver.count >= 3 }
            try await CrashRecoveryTests.wait("their acknowledgements", seconds: 30) {
                // Read without the store's async API: the wait's condition is synchronous.
                store.completed.withLockedValue { $0 } >= 2
            }
            stopping.withLockedValue { $0 = true }
            dispatcher.wake()
            await loop.value
            #expect(h.receiver.count == 3, "each sent once")
            #expect(store.nonEmptyClaims.withLockedValue { $0 } == 2, "the stalled claim was handed back and claimed again")
            #expect(Set(h.receiver.received.compactMap(\.webhookId)) == Set(events.map(\.id)))
            for event in events {
                #expect(try await h.delivery(event, of: sub).status == .delivered)
                // One attempt, made on the second claim (at t0 + lease - 1), none on the stalled one.
                #expect(try await h.attempts(event, of: sub).map(\.at) == [Self.t0.addingTimeInterval(lease - 1)])
            }
        }
    }

    @Test("a send cannot outlive its claim: against a receiver that hangs, it times out when the lease (less its margin) would end")
    func sendWithinLease() async throws {
        try await H.with(script: { _, _ in .hang }) { h in
            let sub = try await h.subscribe("slow")
            let e = H.event(1, flight: "A")
            try await h.enqueue([e], to: sub, at: Self.t0)
            let claimed = try await h.store.claim(limit: 10, now: Self.t0, lease: h.configuration.lease)
            let dispatcher = Dispatcher(store: h.store, transport: h.transport, endpointPolicy: H.loopback, configuration: h.configuration)
            // The claim has 1 s left before its margin (a fifth of the 60 s lease): not the 15 s request timeout.
            let margin = h.configuration.lease.timeInterval / 5
            let started = ContinuousClock.now
            let (completions, _) = await dispatcher.send(claimed, now: Self.t0, leaseEnds: Date().addingTimeInterval(margin + 1))
            let took = ContinuousClock.now - started
            #expect(took < .seconds(8), "gave up with the claim, after \(took)")
            let attempt = try #require(completions.first?.attempt)
            #expect(attempt.error?.hasPrefix("timeout") == true, "\(attempt.error ?? "nil")")
            if case .retry = completions.first?.next {} else { Issue.record("a timed-out attempt is retried") }
        }
    }

    @Test("a delivery whose turn in the batch comes after the claim's deadline is not sent: handed back with no attempt")
    func turnAfterDeadlineNotSent() async throws {
        try await H.with(configure: { $0.concurrency = 1; $0.pipelineDepth = 1 }, script: { _, _ in .hang }) { h in
            let sub = try await h.subscribe("one-at-a-time")
            let events = [H.event(1, flight: "A"), H.event(2, flight: "B")]
            try await h.enqueue(events, to: sub, at: Self.t0)
            let claimed = try await h.store.claim(limit: 10, now: Self.t0, lease: h.configuration.lease)
            #expect(claimed.count == 2)
            let dispatcher = Dispatcher(store: h.store, transport: h.transport, endpointPolicy: H.loopback, configuration: h.configuration)
            // 4 s before the margin: the first send hangs until then (its start was due within 2 s), so the second's turn comes too late.
            let margin = h.configuration.lease.timeInterval / 5
            let (completions, _) = await dispatcher.send(claimed, now: Self.t0, leaseEnds: Date().addingTimeInterval(margin + 4))
            #expect(completions.filter { $0.attempt.attempt > 0 }.map(\.attempt.deliveryId) == [claimed[0].delivery.id], "only the first was attempted")
            #expect(completions.first?.attempt.error?.hasPrefix("timeout") == true)
            #expect(h.receiver.count == 1, "the second never reached the receiver")
            let handBack = try #require(completions.first { $0.attempt.deliveryId == claimed[1].delivery.id })
            #expect(handBack.attempt.attempt == 0, "handed back without an attempt")
            if case .retry = handBack.next {} else { Issue.record("handed back as due again") }
        }
    }

    @Test("an endpoint's in-flight slot is given back when its own send ends, not when its batch's slowest one does")
    func slotFreedPerRequest() async throws {
        try await H.with(script: { r, _ in r.path.hasSuffix("/slow") ? .hang : .status(200, body: "ok") }) { h in
            let slow = try await h.subscribe("slow")
            let fast = try await h.subscribe("fast")
            try await h.enqueue([H.event(1, flight: "A")], to: slow, at: Self.t0)
            try await h.enqueue([H.event(2, flight: "B")], to: fast, at: Self.t0)
            let claimed = try await h.store.claim(limit: 10, now: Self.t0, lease: h.configuration.lease)
            #expect(claimed.count == 2)
            let dispatcher = h.dispatcher()
            let margin = h.configuration.lease.timeInterval / 5
            let finished = NIOLockedValueBox(false)
            let batch = Task {
                // The hanging send ends at its deadline, 5 s from now.
                _ = await dispatcher.send(claimed, now: Self.t0, leaseEnds: Date().addingTimeInterval(margin + 5))
                finished.withLockedValue { $0 = true }
            }
            try await CrashRecoveryTests.wait("the fast receiver's answer", seconds: 30) { h.receiver.received(path: "/hooks/fast").count == 1 }
            try await CrashRecoveryTests.wait("the fast endpoint's slot back", seconds: 30) { dispatcher.inFlight(h.url("fast")) == 0 }
            #expect(!finished.withLockedValue { $0 }, "the slot came back while the batch still waited on the hanging receiver")
            #expect(dispatcher.inFlight(h.url("slow")) == 1)
            await batch.value
            #expect(dispatcher.inFlight(h.url("slow")) == 0)
        }
    }
}

/// A delivery store whose first claim comes back `stall` seconds (of the test's clock) after it
/// was made, as when a claim waited for a pooled connection or behind a stalled writer; it counts
/// the acknowledgements the dispatcher makes.
final class StalledClaims: DeliveryStoreDecorator, Sendable {
    let base: any DeliveryStore
    let clock: TestClock
    let stall: NIOLockedValueBox<TimeInterval>
    let completed = NIOLockedValueBox(0)
    let nonEmptyClaims = NIOLockedValueBox(0)
    init(_ base: any DeliveryStore, clock: TestClock, stall: TimeInterval) {
        self.base = base
        self.clock = clock
        self.stall = NIOLockedValueBox(stall)
    }
    /// The first claim that returns anything stalls; later ones do not.
    func claim(limit: Int, now: Date, lease: Duration) async throws -> [ClaimedDelivery] {
        let claimed = try await base.claim(limit: limit, now: now, lease: lease)
        if !claimed.isEmpty {
            nonEmptyClaims.withLockedValue { $0 += 1 }
            let stall = self.stall.withLockedValue { stall in defer { stall = 0 }; return stall }
            clock.set(now.addingTimeInterval(stall))
        }
        return claimed
    }
    func complete(_ completions: [DeliveryCompletion]) async throws {
        try await base.complete(completions)
        completed.withLockedValue { $0 += 1 }
    }
}
