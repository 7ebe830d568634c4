import Foundation
import SquawkCore

/// A ``SquawkClock`` the test moves by hand. Sleepers wake when the clock is moved past their
/// deadline (or are cancelled); ``waitForSleepers(_:within:)`` tells the test that the code under
/// test has done everything it can at the current time and is waiting for the clock.
public final class TestClock: SquawkClock, @unchecked Sendable {
    private struct Sleeper {
        var until: Date
        var continuation: CheckedContinuation<Void, any Error>
    }
    private let lock = NSLock()
    /// Time as a whole offset from a fixed origin, so that 4.999 s + 1 ms is exactly 5 s
    /// (adding seconds to a `Date` one step at a time drifts by rounding).
    private let origin: Date
    private var offset: Duration = .zero
    private var current: Date { origin.addingTimeInterval(offset.timeInterval) }
    private var sleepers: [UInt64: Sleeper] = [:]
    private var cancelled = Set<UInt64>()
    private var nextId: UInt64 = 0

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { origin = start }

    public func now() -> Date { lock.withLock { current } }

    public func sleep(for duration: Duration) async throws {
        let id = lock.withLock { nextId += 1; return nextId }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = lock.withLock {
                    if cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    let until = current.addingTimeInterval(duration.timeInterval)
                    if until <= current { return .success(()) }
                    sleepers[id] = Sleeper(until: until, continuation: c)
                    return nil
                }
                if let outcome { c.resume(with: outcome) }
            }
        } onCancel: {
            let sleeper = lock.withLock { () -> Sleeper? in
                if let s = sleepers.removeValue(forKey: id) { return s }
                cancelled.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward and wakes every sleeper whose time has come.
    public func advance(by duration: Duration) { move { $0 += duration } }

    /// Sets the clock and wakes every sleeper whose time has come.
    public func set(_ date: Date) {
        let seconds = date.timeIntervalSince(origin)
        move { $0 = .nanoseconds(Int64((seconds * 1e9).rounded())) }
    }

    private func move(_ change: (inout Duration) -> Void) {
        let due = lock.withLock { () -> [Sleeper] in
            change(&offset)
            let due = sleepers.filter { $0.value.until <= current }
            for id in due.keys { sleepers.removeValue(forKey: id) }
            return Array(due.values)
        }
        for s in due { s.continuation.resume() }
    }

    /// Tasks sleeping on this clock now.
    public var sleeperCount: Int { lock.withLock { sleepers.count } }

    /// Waits (in real time, at most `within`) until at least `count` tasks sleep on this clock.
    public func waitForSleepers(_ count: Int = 1, within: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + within
        while sleeperCount < count {
            guard ContinuousClock.now < deadline else {
                throw TestClockError(message: "\(count) sleeper(s) expected within \(within), \(sleeperCount) now")
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

public struct TestClockError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
