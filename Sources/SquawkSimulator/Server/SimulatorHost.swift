import Foundation

// MARK: - SimulatorHost

/// Shares one ``World`` (or a ``ReplayStore``) between concurrent HTTP requests and maps wall
/// time to sim time: `simNow = simStart + (wall − wallStart) × timeScale`.
///
/// The wall clock is injected (a closure at the edge), so tests control time exactly. Each
/// access to the world first advances it to `simNow`, under the lock: the world only ever moves
/// forward, in its fixed one-second steps.
///
/// `@unchecked Sendable`: the non-Sendable `World` is only touched inside `lock`.
public final class SimulatorHost: @unchecked Sendable {
    private let lock = NSLock()
    private let world: World?
    /// The replay being served, if this host replays a recording.
    public let replay: ReplayStore?
    /// Sim time when the host was created.
    public let simStart: Date
    private let wallStart: Date
    public let timeScale: Double
    private let wallClock: @Sendable () -> Date

    /// Serves `world`, starting from its current time.
    public init(world: World, timeScale: Double = 1, wallClock: @escaping @Sendable () -> Date = { Date() }) {
        self.world = world
        self.replay = nil
        self.simStart = world.now
        self.timeScale = timeScale
        self.wallClock = wallClock
        self.wallStart = wallClock()
    }

    /// Serves a recording, starting at its first record.
    public init(replay: ReplayStore, timeScale: Double = 1, wallClock: @escaping @Sendable () -> Date = { Date() }) {
        self.world = nil
        self.replay = replay
        self.simStart = replay.firstTime ?? Date(timeIntervalSince1970: 0)
        self.timeScale = timeScale
        self.wallClock = wallClock
        self.wallStart = wallClock()
    }

    /// The wall clock's current time.
    public func wallNow() -> Date { wallClock() }

    /// Sim time now.
    public var simNow: Date {
        simStart.addingTimeInterval(wallClock().timeIntervalSince(wallStart) * timeScale)
    }

    /// The sim time that corresponds to wall time `wall`.
    public func simTime(atWall wall: Date) -> Date {
        simStart.addingTimeInterval(wall.timeIntervalSince(wallStart) * timeScale)
    }

    /// Whether this host serves a world (not a replay).
    public var hasWorld: Bool { world != nil }

    /// Runs `body` with the world advanced to `simNow`. Returns `nil` for a replay host.
    public func withWorld<T>(_ body: (World) throws -> T) rethrows -> T? {
        guard let world else { return nil }
        let target = simNow
        return try lock.withLock {
            world.advance(to: target)
            return try body(world)
        }
    }
}
