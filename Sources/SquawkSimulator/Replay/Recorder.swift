import Foundation
import SquawkCore
import SquawkHTTP
import SquawkLiveAPI

// MARK: - Recorder

/// Records a Live API (real or simulated) as JSON Lines, within its published budget:
/// sessions every 10 minutes, flights and ATC of each recorded session every 15 s.
///
/// Budget: `60 / sessionsInterval + sessions × 2 × 60 / pollInterval` requests a minute, i.e.
/// `0.1 + 8 × sessions` with the defaults. At 30 requests a minute that allows **3 sessions**
/// (24.1/min); ``Options/maxSessions`` is capped so the total fits ``Options/budgetPerMinute``,
/// and the first sessions of the list are the ones recorded.
///
/// Output: one file per endpoint in the directory — `sessions.jsonl`,
/// `flights-<sessionId>.jsonl`, `atc-<sessionId>.jsonl` — one line per response
/// (``ReplayStore`` format). Error answers (non-zero `errorCode`, non-2xx, invalid JSON) are
/// counted and not written. The data stays on the user's disk (FACTS.md: no permanent storage
/// by Squawk itself; never commit recordings).
public struct Recorder: Sendable {
    /// What to record and how often.
    public struct Options: Sendable {
        public var baseURL: String
        public var apiKey: String
        public var directory: URL
        /// Stop after this long; `nil` records until cancelled.
        public var duration: Duration?
        public var sessionsInterval: Duration
        public var pollInterval: Duration
        /// Sessions recorded (further capped by the budget).
        public var maxSessions: Int
        public var budgetPerMinute: Double

        public init(baseURL: String, apiKey: String, directory: URL, duration: Duration? = nil,
                    sessionsInterval: Duration = .seconds(600), pollInterval: Duration = .seconds(15),
                    maxSessions: Int = 3, budgetPerMinute: Double = 30) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.directory = directory
            self.duration = duration
            self.sessionsInterval = sessionsInterval
            self.pollInterval = pollInterval
            self.maxSessions = maxSessions
            self.budgetPerMinute = budgetPerMinute
        }

        /// Sessions that fit the budget: `floor((budget − 60/sessionsInterval) / (2 × 60/poll))`.
        public var sessionCap: Int {
            let perSession = 2 * 60 / pollInterval.timeInterval
            let left = budgetPerMinute - 60 / sessionsInterval.timeInterval
            return max(0, min(maxSessions, Int((left / perSession).rounded(.down))))
        }

        /// Requests a minute this recording makes.
        public var requestsPerMinute: Double {
            60 / sessionsInterval.timeInterval + Double(sessionCap) * 2 * 60 / pollInterval.timeInterval
        }
    }

    /// What a recording run did.
    public struct Summary: Sendable, Hashable {
        public var records = 0
        public var errors = 0
        public var sessions: [String] = []
    }

    public let options: Options
    let client: LiveAPIClient
    let now: @Sendable () -> Date

    /// A recorder over `transport` (production: `CurlTransport`).
    public init(options: Options, transport: any HTTPTransport, now: @escaping @Sendable () -> Date = { Date() }) {
        self.options = options
        self.client = LiveAPIClient(apiKey: options.apiKey, transport: transport, baseURL: options.baseURL, now: now)
        self.now = now
    }

    // MARK: - Running

    /// Records until ``Options/duration`` has passed or the task is cancelled.
    public func run<C: Clock>(clock: C = ContinuousClock()) async throws -> Summary where C.Duration == Duration {
        try FileManager.default.createDirectory(at: options.directory, withIntermediateDirectories: true)
        var summary = Summary()
        let start = clock.now
        let deadline = options.duration.map { start.advanced(by: $0) }
        var nextSessions = start
        var nextPoll = start
        var sessions: [String] = []
        while !Task.isCancelled {
            let t = clock.now
            if let deadline, t >= deadline { break }
            if t >= nextSessions {
                if let body = await fetch(LiveAPIEndpoints.sessions, file: "sessions", summary: &summary),
                   let list = try? LiveAPIDate.makeDecoder().decode(LiveAPIEnvelope<[SessionInfo]>.self, from: body).result {
                    sessions = Array(list.map(\.id).prefix(options.sessionCap))
                    summary.sessions = sessions
                }
                nextSessions = nextSessions.advanced(by: options.sessionsInterval)
            }
            if t >= nextPoll {
                for sid in sessions {
                    _ = await fetch(LiveAPIEndpoints.flights(session: sid), file: "flights-\(sid)", summary: &summary)
                    _ = await fetch(LiveAPIEndpoints.atc(session: sid), file: "atc-\(sid)", summary: &summary)
                }
                nextPoll = nextPoll.advanced(by: options.pollInterval)
            }
            var wake = min(nextSessions, nextPoll)
            if let deadline { wake = min(wake, deadline) }
            if wake > clock.now {
                do { try await clock.sleep(until: wake, tolerance: nil) } catch { break }
            }
        }
        return summary
    }

    /// GETs `endpoint` with the client's auth; writes and returns the body when it is a good answer.
    func fetch<R>(_ endpoint: LiveAPIEndpoint<R>, file: String, summary: inout Summary) async -> Data? {
        let request = client.request(for: endpoint)
        guard let response = try? await client.transport.send(request), (200...299).contains(response.status) else {
            summary.errors += 1
            return nil
        }
        // Raw line breaks in JSON are whitespace (inside strings they are escaped): drop them so
        // the body stays on one line.
        let body = Data(response.body.filter { $0 != 10 && $0 != 13 })
        guard (try? JSONDecoder().decode(ErrorCodeProbe.self, from: body))?.errorCode == 0 else {
            summary.errors += 1
            return nil
        }
        do {
            let line = try ReplayStore.line(at: now(), path: endpoint.encodedPath, body: body)
            try append(line, to: options.directory.appendingPathComponent("\(file).jsonl"))
            summary.records += 1
        } catch {
            summary.errors += 1
        }
        return body
    }

    /// Appends `data` to `url`, creating it if needed.
    func append(_ data: Data, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    }
}

/// Reads only `errorCode` of a Live API body (decoding validates the whole JSON).
struct ErrorCodeProbe: Decodable {
    var errorCode: Int
}
