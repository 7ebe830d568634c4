import Foundation
import SquawkCore
import Testing

/// Squawk's signatures checked by somebody else's verifier: the reference Standard Webhooks
/// library from PyPI (`standardwebhooks`), through `scripts/verify_standardwebhooks.py`.
///
/// Python comes from `SQUAWK_PYTHON` (a path, or a command name looked up on `PATH`), else
/// `.build/py/bin/python` (the venv `scripts/api-fuzz.sh` creates) when it exists, else `python3`.
/// The module must be installed there: a missing module fails the test, it does not skip it.
@Suite("Standard Webhooks interop: WebhookSigner against the reference Python library")
struct StandardWebhooksInteropTests {
    /// One signed delivery, as the script reads it.
    struct Sample: Encodable {
        var name: String
        var id: String
        var timestamp: Int
        var signature: String
        var bodyBase64: String
        /// Each must verify on its own.
        var secrets: [String]
        /// None may verify.
        var wrongSecrets: [String]
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = packageRoot.appendingPathComponent("scripts/verify_standardwebhooks.py")

    // MARK: - Samples

    /// A fresh `whsec_` secret of `bytes` random bytes (Standard Webhooks: 24–64).
    static func secret(_ bytes: Int, prefixed: Bool = true) -> String {
        var rng = SystemRandomNumberGenerator()
        let key = Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &rng) }).base64EncodedString()
        return prefixed ? "whsec_" + key : key
    }

    /// An event whose rendered bodies carry non-ASCII text in several scripts, emoji, a combining
    /// accent, a line separator, quotes, backslashes and slashes.
    static let unicodeEvent = FlightEvent(
        id: EventID.make(subject: "interop", type: .landing, sequence: 1), type: .landing,
        at: Date(timeIntervalSince1970: 1_767_225_600),
        server: ServerRef(id: "srv-ü", name: "Expert Server — Ω"), flightId: "flight-ünïcode",
        userId: nil, username: "Zoë Ångström 🛩️", callsign: "SQK42", virtualOrganization: "東京 VA",
        airport: "LSZH",
        data: ["remarks": .string("東京 → Zürich — naïve café e\u{301} \u{2028} \"quoted\" back\\slash a/b"),
               "touchdownRate": .number(-142), "altitude": .number(1416)])

    /// Signs `body` at `timestamp` with `secrets` (current first) and describes the sample.
    static func sample(_ name: String, id: String, body: [UInt8], timestamp: Int, secrets: [String],
                       wrongSecrets: [String]) -> Sample {
        let headers = WebhookSigner.sign(id: id, timestamp: timestamp, body: body, secrets: secrets)
        return Sample(name: name, id: headers.id, timestamp: headers.timestamp, signature: headers.signature,
                      bodyBase64: Data(body).base64EncodedString(), secrets: secrets, wrongSecrets: wrongSecrets)
    }

    /// Signed deliveries covering every format, secret lengths of 24, 32 and 64 bytes, a secret
    /// without the `whsec_` prefix, and rotations with two and three live secrets.
    static func samples(timestamp: Int) -> [Sample] {
        let renderer = PayloadRenderer()
        let e = unicodeEvent
        let unrelated = secret(32)
        var samples: [Sample] = []
        for (format, bytes) in [(PayloadFormat.json, 24), (.discord, 32), (.slack, 64), (.flifo, 32)] {
            let body = renderer.render(e, format: format, subscriptionId: "sub_interop", sequence: 7)
            samples.append(sample("\(format.rawValue) body, \(bytes)-byte secret", id: e.id, body: body, timestamp: timestamp,
                                  secrets: [secret(bytes)], wrongSecrets: [unrelated]))
        }
        let raw = Array(#"{"type":"flight.landing","data":{"text":"Grüße aus Zürich 🇨🇭 — 東京","escaped":"\u00e9\n\\"}}"#.utf8)
        samples.append(sample("hand-written body, unprefixed secret", id: "msg_2Lh5ZbA7PN8jV3WMuyVLqDVtW5s", body: raw,
                              timestamp: timestamp, secrets: [secret(32, prefixed: false)], wrongSecrets: [unrelated]))
        let (new, old) = (secret(32), secret(32))
        let rotating = renderer.render(e, format: .json, subscriptionId: "sub_rotating", sequence: 8)
        samples.append(sample("rotation: new and old secret", id: e.id, body: rotating, timestamp: timestamp,
                              secrets: [new, old], wrongSecrets: [unrelated]))
        samples.append(sample("rotation: three live secrets", id: e.id, body: rotating, timestamp: timestamp,
                              secrets: [secret(64), new, secret(24)], wrongSecrets: [unrelated, old]))
        return samples
    }

    // MARK: - Running the script

    /// The Python to run, and the arguments that precede the script.
    static func python() -> (executable: URL, arguments: [String]) {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["SQUAWK_PYTHON"], !configured.isEmpty {
            return configured.contains("/") ? (URL(fileURLWithPath: configured), [])
                : (URL(fileURLWithPath: "/usr/bin/env"), [configured])
        }
        let venv = packageRoot.appendingPathComponent(".build/py/bin/python")
        if FileManager.default.isExecutableFile(atPath: venv.path) { return (venv, []) }
        return (URL(fileURLWithPath: "/usr/bin/env"), ["python3"])
    }

    /// Runs the script on `samples` (written to a temporary file) and returns its exit status
    /// and combined output. `environment` entries are added to this process's environment.
    static func verify(_ samples: [Sample], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("samples.json")
        try JSONEncoder().encode(["samples": samples]).write(to: file)

        let (executable, prefix) = python()
        let process = Process()
        process.executableURL = executable
        process.arguments = prefix + [script.path, file.path]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()  // until the script exits
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    // MARK: - Tests

    @Test("every sample verifies with the reference library, per secret; tampered ones and wrong secrets are rejected")
    func referenceLibraryVerifies() throws {
        // The library checks the timestamp against its own clock (±5 min): sign with the real time.
        let timestamp = Int(Date().timeIntervalSince1970)
        let samples = Self.samples(timestamp: timestamp)
        #expect(samples.contains { $0.signature.split(separator: " ").count == 2 }, "a rotation sends two signatures")
        #expect(samples.contains { $0.signature.split(separator: " ").count == 3 })
        #expect(samples.contains { String(decoding: Data(base64Encoded: $0.bodyBase64)!, as: UTF8.self).contains("東京") })
        // Squawk's own verifier agrees before asking the other one.
        for s in samples {
            for secret in s.secrets {
                #expect(WebhookSigner.verify(id: s.id, timestamp: s.timestamp, signatureHeader: s.signature,
                                             body: Array(Data(base64Encoded: s.bodyBase64)!), secrets: [secret], now: timestamp), "\(s.name)")
            }
        }
        let (status, output) = try Self.verify(samples)
        #expect(status == 0, "verify_standardwebhooks.py exited \(status):\n\(output)")
        #expect(output.contains("verified \(samples.count) samples"), "\(output)")
        #expect(output.contains(", 0 failed"), "\(output)")
    }

    @Test("the script fails when a signature does not match (it is not a rubber stamp)")
    func wrongSignatureFails() throws {
        let timestamp = Int(Date().timeIntervalSince1970)
        let good = Self.samples(timestamp: timestamp)[0]
        var bad = good
        bad.name = "signed with another secret"
        bad.signature = WebhookSigner.sign(id: good.id, timestamp: timestamp, body: Array(Data(base64Encoded: good.bodyBase64)!),
                                           secrets: [Self.secret(32)]).signature
        let (status, output) = try Self.verify([good, bad])
        #expect(status == 1, "exit \(status):\n\(output)")
        #expect(output.contains("FAIL signed with another secret"), "\(output)")
        #expect(output.contains("ok   \(good.name)"), "\(output)")
    }

    @Test("a missing standardwebhooks module is a clear failure, not a pass")
    func missingModuleFails() throws {
        // A package of the same name earlier on the path that refuses to import stands in for a
        // Python without the module.
        let shadow = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-shadow-\(UUID().uuidString)")
        let package = shadow.appendingPathComponent("standardwebhooks")
        try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: shadow) }
        try Data("raise ImportError('simulated: not installed')\n".utf8).write(to: package.appendingPathComponent("__init__.py"))
        let (status, output) = try Self.verify(Self.samples(timestamp: Int(Date().timeIntervalSince1970)),
                                               environment: ["PYTHONPATH": shadow.path])
        #expect(status == 2, "exit \(status):\n\(output)")
        #expect(output.contains("'standardwebhooks' is not available"), "\(output)")
        #expect(output.contains("pip install standardwebhooks"), "\(output)")
    }
}
