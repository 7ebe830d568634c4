import Foundation
import NIOConcurrencyHelpers
import SquawkCore

/// The events the detectors find, as they are found, for watchers in this process (the
/// console's live feed). Memory only; a slow watcher loses the oldest of what it has not read
/// (each keeps at most ``bufferLimit``), and the poller never waits for anyone.
public final class EventFeed: Sendable {
    public static let bufferLimit = 200
    /// Events kept for a watcher that arrives later, newest last.
    public static let recentLimit = 50

    private struct State {
        var nextId = 0
        var watchers: [Int: AsyncStream<FlightEvent>.Continuation] = [:]
        var recent: [FlightEvent] = []
    }
    private let state = NIOLockedValueBox(State())

    public init() {}

    public func publish(_ events: [FlightEvent]) {
        guard !events.isEmpty else { return }
        let watchers = state.withLockedValue { s in
            s.recent.append(contentsOf: events.suffix(Self.recentLimit))
            if s.recent.count > Self.recentLimit { s.recent.removeFirst(s.recent.count - Self.recentLimit) }
            return Array(s.watchers.values)
        }
        for w in watchers { for e in events { w.yield(e) } }
    }

    /// The latest events (at most ``recentLimit``), then every new one until the stream is dropped.
    public func watch() -> AsyncStream<FlightEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: FlightEvent.self, bufferingPolicy: .bufferingNewest(Self.bufferLimit))
        let id = state.withLockedValue { s in
            defer { s.nextId += 1 }
            for e in s.recent { continuation.yield(e) }
            s.watchers[s.nextId] = continuation
            return s.nextId
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLockedValue { _ = $0.watchers.removeValue(forKey: id) } }
        return stream
    }

    /// Watchers now.
    public var watcherCount: Int { state.withLockedValue { $0.watchers.count } }
}
