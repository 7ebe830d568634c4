import Foundation

// MARK: - SimulatorOptions

/// How the simulator's HTTP layer behaves: the key it accepts, the budget it enforces, how sim
/// time follows wall time, and which faults it injects.
public struct SimulatorOptions: Sendable {
    /// The one API key accepted (`Authorization: Bearer K` or `?apikey=K`).
    public var apiKey: String
    /// Requests per sliding 60 s window per key; over it → HTTP 429 with `Retry-After`.
    /// 0 disables the limit.
    public var rateLimitPerMinute: Int
    /// Sim seconds per wall second: sim time = start + (wall − wallStart) × timeScale.
    public var timeScale: Double
    /// HTTP status sent with `errorCode` 4 (NotAuthorized). The Live API reports errors in the
    /// body, often with HTTP 200 (../shared/FACTS.md); 200 is the default.
    public var notAuthorizedStatus: Int
    public var faults: FaultOptions
    /// Seed of the fault draws (the CLI passes the world's seed).
    public var faultSeed: UInt64

    public init(
        apiKey: String = SimulatorOptions.defaultAPIKey, rateLimitPerMinute: Int = 30, timeScale: Double = 1,
        notAuthorizedStatus: Int = 200, faults: FaultOptions = FaultOptions(), faultSeed: UInt64 = 1
    ) {
        self.apiKey = apiKey
        self.rateLimitPerMinute = rateLimitPerMinute
        self.timeScale = timeScale
        self.notAuthorizedStatus = notAuthorizedStatus
        self.faults = faults
        self.faultSeed = faultSeed
    }

    /// The key `squawk simulate` accepts unless told otherwise.
    public static let defaultAPIKey = "squawk-sim-key"
}

// MARK: - FaultOptions

/// Fault injection for reliability tests. Rates are probabilities per request, drawn from a
/// generator seeded with ``SimulatorOptions/faultSeed`` and the request's arrival number, so the
/// same sequence of requests meets the same faults. Only `/public/v2/…` requests are affected.
public struct FaultOptions: Sendable, Hashable {
    /// Added to every response, milliseconds.
    public var latencyMilliseconds: Int
    /// Share of requests answered HTTP 500/502/503.
    public var serverErrorRate: Double
    /// Share of requests answered HTTP 200 with a truncated, invalid JSON body.
    public var malformedRate: Double
    /// Share of requests held for ``stallSeconds`` before the normal answer.
    public var stallRate: Double
    public var stallSeconds: Double

    public init(latencyMilliseconds: Int = 0, serverErrorRate: Double = 0, malformedRate: Double = 0,
                stallRate: Double = 0, stallSeconds: Double = 120) {
        self.latencyMilliseconds = latencyMilliseconds
        self.serverErrorRate = serverErrorRate
        self.malformedRate = malformedRate
        self.stallRate = stallRate
        self.stallSeconds = stallSeconds
    }

    /// Whether any fault is switched on.
    public var isActive: Bool {
        latencyMilliseconds > 0 || serverErrorRate > 0 || malformedRate > 0 || stallRate > 0
    }
}
