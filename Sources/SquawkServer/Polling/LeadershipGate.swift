import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import SquawkStore

/// One polling job's leadership (``PollerLeadership``) as the pollers use it: when to ask the
/// store, whether this instance may poll now, the handover on gaining the lease, the periodic
/// reload of subscriptions while leading, and the release on shutdown. Shared by the Live API
/// and the FLS poller, each with its own job name.
final class LeadershipGate: Sendable {
    let leadership: PollerLeadership
    let logger: Logger
    private struct State {
        var lease = LeaderLease()
        var lastRefresh = Date.distantPast
        /// A contact with the store is under way (the loop's or the heartbeat's): the other skips.
        var contacting = false
    }
    private let state = NIOLockedValueBox(State())

    init(_ leadership: PollerLeadership, logger: Logger) {
        self.leadership = leadership
        self.logger = logger
    }

    func isLeader(at now: Date) -> Bool { state.withLockedValue { $0.lease.isLeader(at: now) } }

    /// The shortest wait ``keep(now:takeOver:refresh:)`` asks for before the next contact.
    static let retryPause: TimeInterval = 0.05

    /// Whether a contact with the store is under way (for tests).
    var isContacting: Bool { state.withLockedValue { $0.contacting } }

    /// Asks the store for the lease when due; on gaining it runs `takeOver` (what the previous
    /// leader left), and while leading runs `refresh` every `refreshEvery`. Returns whether to
    /// poll now and when to ask again.
    func keep(now: Date, takeOver: (Date) async throws -> Void, refresh: (Date) async throws -> Void) async -> (leading: Bool, nextContact: Date) {
        let l = leadership
        if let change = await contact(now: now) {
            switch change {
            case .gained:
                do {
                    try await takeOver(now)
                    state.withLockedValue { $0.lastRefresh = now }
                    logger.info("became the polling leader", metadata: ["holder": "\(l.holder)", "job": "\(l.name)"])
                } catch {
                    // Never poll from a stale state: try the whole handover again at the next contact.
                    state.withLockedValue { $0.lease.resign() }
                    logger.warning("polling handover failed; retrying", metadata: ["job": "\(l.name)", "error": "\(error)"])
                }
            case .lost:
                logger.warning("lost polling leadership", metadata: ["holder": "\(l.holder)", "job": "\(l.name)"])
            case .unchanged:
                break
            }
        }
        let (leading, refreshDue, due) = state.withLockedValue { s in
            (s.lease.isLeader(at: now), now.timeIntervalSince(s.lastRefresh) >= l.refreshEvery.timeInterval, s.lease.nextContact)
        }
        // A contact that was due but not made (the heartbeat's is under way) is tried again a
        // moment later, never "now": the loop would come straight back without suspending and
        // spin on a cooperative thread; with both pollers spinning on a 2-core machine, the
        // heartbeat's own contact never got a thread to finish on (seen in CI as a livelock).
        let nextContact = max(due, now.addingTimeInterval(Self.retryPause))
        if leading, refreshDue {
            do {
                try await refresh(now)
                state.withLockedValue { $0.lastRefresh = now }
            } catch {
                logger.warning("cannot reload subscriptions", metadata: ["job": "\(l.name)", "error": "\(error)"])
            }
        }
        return (leading, nextContact)
    }

    /// Asks the store for the lease if a contact is due and no other contact is under way;
    /// returns the change (nil when no contact was made).
    private func contact(now: Date) async -> LeaderLease.Change? {
        let l = leadership
        let go = state.withLockedValue { s -> Bool in
            guard s.lease.contactDue(at: now), !s.contacting else { return false }
            s.contacting = true
            return true
        }
        guard go else { return nil }
        defer { state.withLockedValue { $0.contacting = false } }
        do {
            let acquired = try await l.election.acquireLeadership(l.name, holder: l.holder, now: now, lease: l.lease)
            return state.withLockedValue { $0.lease.record(acquired: acquired, at: now, lease: l.lease, renewEvery: l.renewEvery) }
        } catch {
            logger.warning("cannot reach the store to keep polling leadership", metadata: ["job": "\(l.name)", "error": "\(error)"])
            return state.withLockedValue { $0.lease.recordFailure(at: now, renewEvery: l.renewEvery) }
        }
    }

    /// Renews the lease on time while this instance leads, however long a polling step takes (a
    /// slow upstream, a slow store, a busy machine): runs beside the loop until cancelled. Only
    /// renews; gaining the lease, with its handover, is the loop's (``keep(now:takeOver:refresh:)``),
    /// so a handover never runs during a step.
    func heartbeat(now: @Sendable () -> Date) async {
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let at = now()
            let (leading, next) = state.withLockedValue { ($0.lease.isLeader(at: at), $0.lease.nextContact) }
            if leading, next <= at, let change = await contact(now: at) {
                switch change {
                case .lost:
                    logger.warning("lost polling leadership", metadata: ["holder": "\(leadership.holder)", "job": "\(leadership.name)"])
                case .gained:
                    // Leadership ended between the look and the contact (a fenced commit) and came
                    // back: a new term, whose handover is the loop's. Until it runs, do not poll.
                    state.withLockedValue { $0.lease.resign() }
                case .unchanged:
                    break
                }
                continue
            }
            // Leading: until the next contact (or a moment, when the loop's contact is under way).
            // Not leading: the loop asks; look again within a renewal period, so a term the loop
            // starts is renewed on time however long its first step takes.
            let period = min(leadership.renewEvery.timeInterval, 1)
            let wait = leading ? min(max(next.timeIntervalSince(at), 0.05), period) : period
            do { try await clock.sleep(for: .milliseconds(Int64(wait * 1000))) } catch { return }
        }
    }

    /// The fence of a commit made now (``PollCommit/Fence``).
    func fence(at now: Date) -> PollCommit.Fence {
        PollCommit.Fence(name: leadership.name, holder: leadership.holder, at: now)
    }

    /// The store refused a commit under this instance's lease (``StoreError/Code/notLeader``):
    /// another instance leads. Stop polling; ask again at the next contact, with a handover.
    func fenced() {
        state.withLockedValue { $0.lease.resign() }
        logger.warning("lost polling leadership: the store refused a commit under the old lease; nothing was written",
                       metadata: ["holder": "\(leadership.holder)", "job": "\(leadership.name)"])
    }

    /// Gives the lease back if this instance holds it (on shutdown), so a successor need not wait
    /// for it to run out.
    func release(now: Date) async {
        guard isLeader(at: now) else { return }
        state.withLockedValue { $0.lease.resign() }
        try? await leadership.election.releaseLeadership(leadership.name, holder: leadership.holder)
        logger.info("released polling leadership", metadata: ["holder": "\(leadership.holder)", "job": "\(leadership.name)"])
    }
}

/// The run loop both pollers share: poll one step (while leading, when there is a gate), then
/// wait until the step's due time, the next leadership contact, or a change of subscriptions
/// (looked at every second) — until graceful shutdown.
enum PollLoop {
    static func run(live: LiveSubscriptions, gate: LeadershipGate?, now: @escaping @Sendable () -> Date,
                    takeOver: (Date) async throws -> Void, refresh: (Date) async throws -> Void,
                    step: (Date) async -> Date) async {
        await withTaskGroup(of: Void.self) { group in
            // Renewal runs beside the steps, so a long step cannot let the lease lapse.
            if let gate { group.addTask { await gate.heartbeat(now: now) } }
            let clock = ContinuousClock()
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let wake: Date
                if let gate {
                    // Not leading: only ask for the lease again; leading: poll.
                    let (leading, nextContact) = await gate.keep(now: now(), takeOver: takeOver, refresh: refresh)
                    wake = leading ? min(await step(now()), nextContact) : nextContact
                } else {
                    wake = await step(now())
                }
                let version = live.version
                var remaining = max(0, wake.timeIntervalSince(now()))
                while remaining > 0, live.version == version, !Task.isShuttingDownGracefully {
                    let slice = min(remaining, 1)
                    do { try await clock.sleep(for: .milliseconds(Int64(slice * 1000))) } catch { break }
                    remaining -= slice
                }
            }
            group.cancelAll()
        }
        await gate?.release(now: now())
    }
}
