import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

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
    }
    private let state = NIOLockedValueBox(State())

    init(_ leadership: PollerLeadership, logger: Logger) {
        self.leadership = leadership
        self.logger = logger
    }

    func isLeader(at now: Date) -> Bool { state.withLockedValue { $0.lease.isLeader(at: now) } }

    /// Asks the store for the lease when due; on gaining it runs `takeOver` (what the previous
    /// leader left), and while leading runs `refresh` every `refreshEvery`. Returns whether to
    /// poll now and when to ask again.
    func keep(now: Date, takeOver: (Date) async throws -> Void, refresh: (Date) async throws -> Void) async -> (leading: Bool, nextContact: Date) {
        let l = leadership
        if state.withLockedValue({ $0.lease.contactDue(at: now) }) {
            let change: LeaderLease.Change
            do {
                let acquired = try await l.election.acquireLeadership(l.name, holder: l.holder, now: now, lease: l.lease)
                change = state.withLockedValue { $0.lease.record(acquired: acquired, at: now, lease: l.lease, renewEvery: l.renewEvery) }
            } catch {
                logger.warning("cannot reach the store to keep polling leadership", metadata: ["job": "\(l.name)", "error": "\(error)"])
                change = state.withLockedValue { $0.lease.recordFailure(at: now, renewEvery: l.renewEvery) }
            }
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
        let (leading, refreshDue, nextContact) = state.withLockedValue { s in
            (s.lease.isLeader(at: now), now.timeIntervalSince(s.lastRefresh) >= l.refreshEvery.timeInterval, s.lease.nextContact)
        }
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
    static func run(live: LiveSubscriptions, gate: LeadershipGate?, now: @Sendable () -> Date,
                    takeOver: (Date) async throws -> Void, refresh: (Date) async throws -> Void,
                    step: (Date) async -> Date) async {
        let clock = ContinuousClock()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let wake: Date
            if let gate {
                // Not leading: only ask for the lease again; leading: poll, and renew on time.
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
        await gate?.release(now: now())
    }
}
