import Foundation
import Logging
import Metrics
import ServiceLifecycle
import SquawkStore

/// Prunes delivered and failed deliveries, their attempts and orphaned events older than the
/// retention (default 7 days), once at start and then every `every`; every 10 s it records the
/// queue gauges.
public struct Janitor: Service {
    let store: any DeliveryStore
    let retention: TimeInterval
    let every: Duration
    let logger: Logger
    let now: @Sendable () -> Date

    public init(store: any DeliveryStore, retention: TimeInterval, every: Duration = .seconds(3600),
                logger: Logger = Logger(label: "squawk.janitor"), now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.retention = retention
        self.every = every
        self.logger = logger
        self.now = now
    }

    /// One pass; returns how many rows went.
    @discardableResult
    public func prune() async throws -> Int {
        let removed = try await store.prune(before: now().addingTimeInterval(-retention))
        if removed > 0 { logger.info("pruned old deliveries", metadata: ["rows": "\(removed)"]) }
        return removed
    }

    /// Queue gauges for `/metrics`: depth, retry backlog, oldest pending age.
    public func recordQueueStats() async {
        guard let stats = try? await store.queueStats(now: now()) else { return }
        Gauge(label: "squawk_queue_pending").record(stats.pending)
        Gauge(label: "squawk_queue_inflight").record(stats.inflight)
        Gauge(label: "squawk_queue_retrying").record(stats.retrying)
        Gauge(label: "squawk_queue_oldest_pending_seconds").record(stats.oldestPendingAge ?? 0)
    }

    public func run() async throws {
        var lastPrune: ContinuousClock.Instant?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await recordQueueStats()
            if lastPrune.map({ ContinuousClock.now - $0 >= every }) ?? true {
                lastPrune = ContinuousClock.now
                do { try await prune() } catch { logger.warning("prune failed", metadata: ["error": "\(error)"]) }
            }
            // Graceful shutdown ends the wait at once (not after up to an hour).
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(10)) } } catch { return }
        }
    }
}
