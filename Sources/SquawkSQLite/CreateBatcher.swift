import GRDB
import Synchronization
import SquawkCore
import SquawkStore

/// Group commit for ``SQLiteStore/create(_:secret:idempotency:)``: creates that arrive while
/// the writer is busy wait together and go in as one transaction, each inside its own savepoint
/// (one create's error undoes only that create). SQLite's single writer then pays one lock,
/// one hop to its queue and one commit per batch instead of per create, which is most of a
/// create's cost under concurrent clients. Every create is still committed before it answers.
final class CreateBatcher: Sendable {
    struct Request: Sendable {
        var subscription: Subscription
        var secret: SigningSecret
        var idempotency: IdempotencyRecord?
    }
    typealias Outcome = Result<(Subscription, created: Bool), any Error>

    private struct Waiting: Sendable {
        var request: Request
        var continuation: CheckedContinuation<(Subscription, created: Bool), any Error>
    }
    private struct State {
        var waiting: [Waiting] = []
        var draining = false
        var batches = 0
    }
    private let state = Mutex(State())
    /// The most creates in one transaction (a bound on what one failure can delay).
    static let maxBatch = 64

    /// Waits with the other creates for the next batch. `commit` runs one batch in one
    /// transaction and returns each request's outcome, in order.
    func create(_ request: Request, commit: @escaping @Sendable ([Request]) async -> [Outcome]) async throws -> (Subscription, created: Bool) {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { s in
                s.waiting.append(Waiting(request: request, continuation: continuation))
                guard !s.draining else { return false }
                s.draining = true
                return true
            }
            if start { Task { await self.drain(commit) } }
        }
    }

    /// Transactions run so far (for tests).
    var batches: Int { state.withLock { $0.batches } }

    /// Commits batches until nobody waits.
    private func drain(_ commit: @Sendable ([Request]) async -> [Outcome]) async {
        while true {
            let batch: [Waiting] = state.withLock { s in
                let n = min(s.waiting.count, Self.maxBatch)
                let batch = Array(s.waiting.prefix(n))
                s.waiting.removeFirst(n)
                if batch.isEmpty { s.draining = false } else { s.batches += 1 }
                return batch
            }
            guard !batch.isEmpty else { return }
            let outcomes = await commit(batch.map(\.request))
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(with: outcome) }
        }
    }
}
