import Foundation
import Logging
import ServiceLifecycle
import SquawkStore

/// Prunes delivered and failed deliveries, their attempts and orphaned events older than the
/// retention (default 7 days), once at start and then every `every`.
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

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do { try await prune() } catch { logger.warning("prune failed", metadata: ["error": "\(error)"]) }
            // Graceful shutdown ends the wait at once (not after up to an hour).
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: every) } } catch { return }
        }
    }
}
