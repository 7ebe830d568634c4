import ArgumentParser
import SquawkApp

/// `squawk receive`: print webhooks as they arrive and check their signatures.
struct ReceiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "Run a small webhook receiver that prints each webhook and checks its signature.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 = any free port).") var port = 9000
    @Option(name: .customLong("secret"), help: "Signing secret (whsec_…) to verify with; repeat during a rotation.")
    var secrets: [String] = []
    @Option(name: .customLong("jsonl"), help: "Also append each webhook as a JSON line to this file.") var jsonLines: String?
    @Option(help: "HTTP status to answer with.") var status = 204
    @Option(name: .customLong("as"), help: "Behave like a chat receiver: discord (5 requests per 2 s and 30 per 60 s per webhook, payload limits) or slack (1 a second); plain accepts everything.")
    var mode: String = "plain"

    func run() async throws {
        guard let chat = ChatReceiverMode(rawValue: mode) else {
            throw ValidationError("--as must be one of \(ChatReceiverMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let receiver = Receiver(host: host, port: port, secrets: secrets, jsonLines: jsonLines, status: status, mode: chat)
        try await receiver.run(onReady: { [host, secrets] port in
            Console.line("squawk receive: listening on http://\(host):\(port)/" + (secrets.isEmpty ? " (no secret: signatures not checked)" : ""))
        })
    }
}
