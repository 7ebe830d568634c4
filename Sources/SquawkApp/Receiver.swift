import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import SquawkCore

/// `squawk receive`: a small webhook receiver that prints one line per webhook and checks its
/// Standard Webhooks signature when given the secret. For people trying Squawk and for tests.
///
/// Line format: `<time> <type> <webhook-id> <✓ signed | ✗ BAD SIGNATURE | - unsigned> <headline>`.
/// With `jsonLines`, each webhook is also appended to that file as one JSON object
/// (`{"id", "type", "verified", "receivedAt", "body"}`), which end-to-end tests read.
public struct Receiver: Sendable {
    public var host: String
    public var port: Int
    public var secrets: [String]
    public var jsonLines: String?
    /// Status to answer with (tests use it to simulate failing receivers).
    public var status: Int
    /// Behave like Discord's or Slack's webhooks (rate and payload limits), or accept everything.
    public var mode: ChatReceiverMode

    public init(host: String = "127.0.0.1", port: Int = 9000, secrets: [String] = [], jsonLines: String? = nil, status: Int = 204,
                mode: ChatReceiverMode = .plain) {
        self.host = host
        self.port = port
        self.secrets = secrets
        self.jsonLines = jsonLines
        self.status = status
        self.mode = mode
    }

    /// One received webhook.
    public struct Received: Sendable, Codable, Hashable {
        public var id: String
        public var type: String
        public var verified: Bool?
        public var receivedAt: Date
        public var body: String
        /// What the receiver answered (set by ``application(logger:output:onReady:)``).
        public var status: Int?
        /// The webhook path it came to.
        public var path: String?
        /// `POST`, or `PATCH` for an edit of a message (`--as discord`).
        public var method: String?
    }

    /// Checks and describes one request; pure apart from the clock value passed in.
    public static func inspect(headers: [String: String], body: [UInt8], secrets: [String], now: Date) -> (Received, line: String) {
        let id = headers["webhook-id"] ?? "-"
        let ts = headers["webhook-timestamp"].flatMap(Int.init)
        var verified: Bool?
        if !secrets.isEmpty {
            verified = ts.map { WebhookSigner.verify(id: id, timestamp: $0, signatureHeader: headers["webhook-signature"] ?? "",
                                                       body: body, secrets: secrets, now: Int(now.timeIntervalSince1970)) } ?? false
        }
        let json = try? JSONDecoder().decode(JSONValue.self, from: Data(body))
        var type = "?"
        var headline = ""
        if case .object(let o)? = json {
            if let t = o["type"]?.stringValue { type = t }  // Standard Webhooks envelope
            if case .object(let d)? = o["data"] {
                // Live API: callsign and airport; FLS: club, leg and flight.
                let fls = [d["instance"]?.stringValue, d["leg"]?.stringValue, d["leg"] == nil ? nil : d["flightId"]?.stringValue]
                headline = ([d["callsign"]?.stringValue, d["airport"]?.stringValue] + fls).compactMap { $0 }.joined(separator: " ")
            }
            if let text = o["text"]?.stringValue { headline = text }  // Slack
            if case .array(let embeds)? = o["embeds"], case .object(let e)? = embeds.first, let title = e["title"]?.stringValue { headline = title }  // Discord
        }
        let mark = verified.map { $0 ? "✓ signed" : "✗ BAD SIGNATURE" } ?? "- unsigned"
        let received = Received(id: id, type: type, verified: verified, receivedAt: now, body: String(decoding: body, as: UTF8.self), status: nil, path: nil)
        return (received, "\(ISO8601.format(now)) \(type) \(id) \(mark) \(headline)")
    }

    /// Runs until interrupted (SIGINT/SIGTERM).
    public func run(onReady: @escaping @Sendable (Int) async -> Void) async throws {
        try await application(onReady: onReady).runService()
    }

    /// Builds the Hummingbird application (port 0 picks a free port; `onReady` gets the bound port).
    public func application(logger: Logger = Logger(label: "squawk.receive"), output: @escaping @Sendable (String) -> Void = Console.line,
                            onReady: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let router = Router()
        let secrets = self.secrets
        let status = HTTPResponse.Status(code: self.status)
        let mode = self.mode
        let windows = ChatWindows()
        let messages = ChatMessages()
        let file: FileHandle?
        if let path = jsonLines {
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            file?.seekToEndOfFile()
        } else {
            file = nil
        }
        let sink = NIOLockedValueBox(file)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let body = try await request.body.collect(upTo: 8 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let now = Date()
            var (received, line) = Self.inspect(headers: headers, body: Array(buffer: body), secrets: secrets, now: now)
            var answer = Response(status: status)
            // An edit counts against its webhook's budget: the path up to `/messages/{id}`.
            let edit = request.method == .patch ? ChatMessages.split(request.uri.path) : nil
            if let budget = mode.budget {
                if let wait = windows.admit(edit?.webhook ?? request.uri.path, budget: budget, now: now) {
                    let text = String(format: #"{"message": "You are being rate limited.", "retry_after": %.3f, "global": false}"#, wait)
                    answer = Response(status: .tooManyRequests, headers: [.contentType: "application/json", .retryAfter: String(Int(wait.rounded(.up)))],
                                      body: .init(byteBuffer: ByteBuffer(string: text)))
                } else if mode == .discord {
                    let problems = (try? JSONValue.parse(Array(buffer: body))).map(DiscordLimits.problems) ?? ["the body is not JSON"]
                    if !problems.isEmpty {
                        let text = #"{"message": "Invalid Form Body", "code": 50035, "errors": "# + String(decoding: JSONValue.array(problems.map(JSONValue.string)).jsonBytes, as: UTF8.self) + "}"
                        answer = Response(status: .badRequest, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
                    } else if let message = messages.answer(request.method == .patch, path: request.uri.path,
                                                            wait: request.uri.queryParameters["wait"] == "true", body: Array(buffer: body)) {
                        answer = Response(status: message.status, headers: [.contentType: "application/json"],
                                          body: .init(byteBuffer: ByteBuffer(bytes: message.body)))
                    }
                }
                line += " → \(answer.status.code)"
            }
            received.status = Int(answer.status.code)
            received.path = request.uri.path
            received.method = request.method.rawValue
            output(line)
            if let data = try? encoder.encode(received) {
                sink.withLockedValue { f in
                    f?.write(data)
                    f?.write(Data([0x0A]))
                }
            }
            return answer
        }
        router.post("/", use: handler)
        router.post("/**", use: handler)
        router.patch("/**", use: handler)
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "squawk-receive"),
                           onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) }, logger: logger)
    }
}

/// Unbuffered output lines (stdout may be a pipe or a file: each line must appear at once).
public enum Console {
    @Sendable public static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
