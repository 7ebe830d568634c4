import ArgumentParser
import Foundation
import SquawkApp
import SquawkHTTP
import SquawkSimulator

/// `squawk record`: record Live API snapshots (sessions, flights, ATC) as JSON Lines.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record Live API snapshots as JSON Lines (serve them back with `squawk simulate --replay`).",
        discussion: """
        Polls sessions every 10 minutes and the flights and ATC of each recorded session every \
        15 s: 0.1 + 8 × sessions requests a minute, so at most 3 sessions fit the 30/min budget. \
        The recording stays on your disk: the Live API's conditions forbid redistributing it.
        """
    )

    @Option(help: "Live API base URL (or a simulator's).") var baseURL = "https://api.infiniteflight.com"
    @Option(help: "API key (default: $SQUAWK_API_KEY). Never printed.") var apiKey: String?
    @Option(help: "Directory for the .jsonl files.") var out: String
    @Option(help: "Stop after this many seconds (default: until interrupted).") var duration: Double?
    @Option(help: "Sessions to record (capped by the budget).") var maxSessions = 3
    @Option(help: "Requests per minute allowed by the key.") var budget = 30.0

    func run() async throws {
        guard let key = apiKey ?? ProcessInfo.processInfo.environment["SQUAWK_API_KEY"], !key.isEmpty else {
            throw ValidationError("an API key is required: --api-key or SQUAWK_API_KEY")
        }
        let options = Recorder.Options(
            baseURL: baseURL, apiKey: key, directory: URL(fileURLWithPath: out),
            duration: duration.map { .milliseconds(Int($0 * 1_000)) }, maxSessions: maxSessions, budgetPerMinute: budget)
        guard options.sessionCap > 0 else { throw ValidationError("the budget leaves no room for a session") }
        print("recording up to \(options.sessionCap) session(s) from \(baseURL) into \(out) "
              + "(\(String(format: "%.1f", options.requestsPerMinute)) requests/min)")
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let summary = try await Recorder(options: options, transport: transport).run()
        print("recorded \(summary.records) responses (\(summary.errors) errors) of \(summary.sessions.count) session(s)")
    }
}
