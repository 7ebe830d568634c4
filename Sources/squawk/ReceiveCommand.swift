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

    func run() async throws {
        let receiver = Receiver(host: host, port: port, secrets: secrets, jsonLines: jsonLines, status: status)
        try await receiver.run(onReady: { [host, secrets] port in
            Console.line("squawk receive: listening on http://\(host):\(port)/" + (secrets.isEmpty ? " (no secret: signatures not checked)" : ""))
        })
    }
}
