import Foundation
import SquawkStore

/// Who polls when several instances share one store: the instance holding the poller's lease
/// (``LeaderElection``), so the upstream's request budget holds for the cluster as a whole.
/// Dispatchers need no leader: every instance claims deliveries.
///
/// With the defaults a dead leader is replaced within `lease + renewEvery` = 20 s: its lease runs
/// out 15 s after its last renewal, and every other instance asks every 5 s.
public struct PollerLeadership: Sendable {
    public var election: any LeaderElection
    /// The job's name: one leader per upstream (`poller/liveapi`, `poller/fls`, …).
    public var name: String
    /// This instance, as the lease row names it (host, process id and a random part).
    public var holder: String
    public var lease: Duration
    /// How often the leader renews and followers ask; well under `lease`.
    public var renewEvery: Duration
    /// How often the leader reloads the active subscriptions: those created or changed through
    /// another instance's API reach its matcher this way.
    public var refreshEvery: Duration

    public init(election: any LeaderElection, name: String = "poller/liveapi", holder: String = PollerLeadership.makeHolder(),
                lease: Duration = .seconds(15), renewEvery: Duration = .seconds(5), refreshEvery: Duration = .seconds(5)) {
        self.election = election
        self.name = name
        self.holder = holder
        self.lease = lease
        self.renewEvery = renewEvery
        self.refreshEvery = refreshEvery
    }

    /// `host/pid/random`: unique per process, and readable in the lease row.
    public static func makeHolder() -> String {
        "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UInt32.random(in: .min ... .max))"
    }
}

/// The poller's own view of its leadership, as a value: when to ask the store next, and until
/// when it may poll. Its methods return the change to act on (DESIGN.md rule 2).
///
/// A successful renewal at `t` lets it poll until `t + lease − renewEvery`, a margin before
/// anyone else may take over (`t + lease`): a leader cut off from the store stops polling before
/// its successor starts.
struct LeaderLease: Sendable, Equatable {
    enum Change: Sendable, Equatable {
        /// Became leader: reload what the previous leader left, then poll.
        case gained
        /// Stopped being leader: stop polling.
        case lost
        case unchanged
    }

    private(set) var validUntil: Date?
    private(set) var nextContact: Date = .distantPast

    func isLeader(at now: Date) -> Bool { validUntil.map { now < $0 } ?? false }

    func contactDue(at now: Date) -> Bool { now >= nextContact }

    /// The store answered `acquired` at `now`.
    mutating func record(acquired: Bool, at now: Date, lease: Duration, renewEvery: Duration) -> Change {
        let was = isLeader(at: now)
        validUntil = acquired ? now.addingTimeInterval(lease.timeInterval - renewEvery.timeInterval) : nil
        nextContact = now.addingTimeInterval(renewEvery.timeInterval)
        switch (was, acquired) {
        case (false, true): return .gained
        case (true, false): return .lost
        default: return .unchanged
        }
    }

    /// The store could not be asked at `now`: leadership lasts only as long as already granted.
    mutating func recordFailure(at now: Date, renewEvery: Duration) -> Change {
        nextContact = now.addingTimeInterval(renewEvery.timeInterval)
        return .unchanged
    }

    /// Leadership ended early (the handover failed, or shutdown): ask again at the next contact.
    mutating func resign() { validUntil = nil }
}
