import Foundation
import SquawkCore

/// The machine's clock, for services (the core only declares ``SquawkClock``).
public struct SystemClock: SquawkClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
