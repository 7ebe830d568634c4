import Foundation
@testable import SquawkApp
import SquawkPostgres
import Testing

@Suite("Configuration: file, environment, flags")
struct ConfigurationTests {
    @Test("the committed example file is exactly what the code documents, and it loads to the defaults")
    func exampleInStep() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/squawk.example.toml")
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == SquawkConfiguration.exampleTOML(), "regenerate with: squawk config example > config/squawk.example.toml")
        var c = SquawkConfiguration()
        try c.apply(toml: committed, source: "example")
        #expect(c.effectiveLines() == SquawkConfiguration().effectiveLines())
    }

    @Test("later sources win: file, then SQUAWK_* environment, then flags")
    func precedence() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("s.toml").path
        try """
        [server]
        port = 9001   # comment
        host = "0.0.0.0"
        [delivery]
        retry_schedule = [0, 1.5, 60]
        [api]
        allow_list = ["10.0.0.0/8", "127.0.0.1/32"]
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let c = try SquawkConfiguration.load(file: file, environment: ["SQUAWK_SERVER_PORT": "9002", "SQUAWK_LIVEAPI_KEY": "abc", "HOME": "/root"],
                                             flags: [("server.port", "9003")])
        #expect(c.port == 9003)
        #expect(c.host == "0.0.0.0")
        #expect(c.retrySchedule == [0, 1.5, 60])
        #expect(c.allowList == ["10.0.0.0/8", "127.0.0.1/32"])
        #expect(c.liveAPIKey == "abc")
        #expect(!c.usesSimulator)
        let env = try SquawkConfiguration.load(file: file, environment: ["SQUAWK_SERVER_PORT": "9002"], flags: [])
        #expect(env.port == 9002)
    }

    @Test("every key's source is known: default, file, environment or flag (what config check prints)")
    func sources() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("s.toml").path
        try "[server]\nport = 9001\nhost = \"0.0.0.0\"\n[log]\nlevel = \"debug\"".write(toFile: file, atomically: true, encoding: .utf8)
        let loaded = try SquawkConfiguration.loadWithSources(
            file: file, environment: ["SQUAWK_SERVER_PORT": "9002", "SQUAWK_LOG_LEVEL": "warning", "SQUAWK_NOT_A_KEY": "x"],
            flags: [("log.level", "error")])
        #expect(loaded.configuration.port == 9002)
        #expect(loaded.configuration.logLevel == "error")
        #expect(loaded.sources["server.host"] == .file)
        #expect(loaded.sources["server.port"] == .environment)
        #expect(loaded.sources["log.level"] == .flag)
        #expect(loaded.sources["delivery.concurrency"] == nil)
        let lines = ConfigReport.lines(loaded.configuration, sources: loaded.sources)
        #expect(lines.contains("server.host = \"0.0.0.0\"  # file"))
        #expect(lines.contains("server.port = 9002  # environment"))
        #expect(lines.contains("log.level = \"error\"  # flag"))
        #expect(lines.contains("delivery.concurrency = 128  # default"))
    }

    @Test("environment values: plain text or the TOML spelling older releases read; a wrong type names the variable")
    func environmentValues() throws {
        for allow in ["10.0.0.0/8,127.0.0.1/32", "[\"10.0.0.0/8\", \"127.0.0.1/32\"]"] {
            let c = try SquawkConfiguration.load(file: nil, environment: ["SQUAWK_API_ALLOW_LIST": allow, "SQUAWK_LIVEAPI_KEY": "\"quoted\"",
                                                                          "SQUAWK_DELIVERY_RETRY_SCHEDULE": "0,5,300", "SQUAWK_LIVEAPI_BUDGET_SHARE": "0.5"],
                                                 flags: [])
            #expect(c.allowList == ["10.0.0.0/8", "127.0.0.1/32"])
            #expect(c.liveAPIKey == "quoted")
            #expect(c.retrySchedule == [0, 5, 300])
            #expect(c.budgetShare == 0.5)
        }
        #expect { _ = try SquawkConfiguration.load(file: nil, environment: ["SQUAWK_SERVER_PORT": "eighty"], flags: []) } throws: { error in
            guard let e = error as? ConfigurationError else { return false }
            return e.key == "server.port" && e.message.contains("SQUAWK_SERVER_PORT") && e.message.contains("an integer")
        }
        #expect { _ = try SquawkConfiguration.load(file: nil, environment: ["SQUAWK_SERVER_PORT": "70000"], flags: []) } throws: { error in
            (error as? ConfigurationError)?.message.contains("outside") == true
        }
        #expect { _ = try SquawkConfiguration.load(file: nil, environment: [:], flags: [("server.prot", "1")]) } throws: { error in
            (error as? ConfigurationError)?.key == "server.prot"
        }
    }

    @Test("a bad key or value fails with a message naming the key", arguments: [
        ("[server]\nprot = 1", "server.prot"),
        ("[server]\nport = 70000", "server.port"),
        ("[server]\nport = \"x\"", "server.port"),
        ("[api]\nallow_list = [\"not-a-cidr\"]", "api.allow_list"),
        ("[log]\nformat = \"xml\"", "log.format"),
        ("[delivery]\nretry_schedule = []", "delivery.retry_schedule"),
        ("[liveapi]\nrequests_per_minute = 0", "liveapi.requests_per_minute"),
    ])
    func badValues(_ text: String, _ key: String) {
        var c = SquawkConfiguration()
        do {
            try c.apply(toml: text, source: "test.toml")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.key == key)
            #expect(error.message.contains(key))
        }
    }

    @Test("malformed TOML names the line")
    func malformed() {
        var c = SquawkConfiguration()
        #expect(throws: ConfigurationError.self) { try c.apply(toml: "[server]\nport 8080", source: "x.toml") }
        do { try c.apply(toml: "[server]\n\nport = \"unterminated", source: "x.toml") } catch {
            #expect(error.message.contains("line 3"))
        }
    }

    @Test("secrets are masked in the effective configuration")
    func masking() throws {
        var c = SquawkConfiguration()
        try c.set("liveapi.key", "\"super-secret-key\"")
        try c.set("api.admin_key", "sqk_topsecret")
        try c.set("delivery.operator_webhook", "https://ops.example.com/hook?token=abc")
        let text = ConfigReport.lines(c).joined(separator: "\n")
        #expect(!text.contains("super-secret-key"))
        #expect(!text.contains("sqk_topsecret"))
        #expect(!text.contains("token=abc"))
        #expect(text.contains("liveapi.key = \"****\" (set)"))
    }

    @Test("config check shows the polling plan inside the budget, degraded when the budget is small")
    func plan() throws {
        var c = SquawkConfiguration()
        #expect(ConfigReport.lines(c).contains { $0.contains("3 servers watched: 3 × atc every 15 s + 3 × flights every 15 s") && $0.contains("of 30") })
        try c.set("liveapi.requests_per_minute", "10")
        #expect(ConfigReport.lines(c).contains { $0.contains("3 servers watched") && $0.contains("degraded") })
    }

    @Test("serve's admin key is generated once (mode 0600) and reused on the next start")
    func adminKeyFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("squawk-serve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var c = SquawkConfiguration()
        c.storeURL = dir.appendingPathComponent("data/squawk.sqlite").path
        let first = try ServeApp.build(c, logger: .init(label: "test"))
        #expect(first.adminKeyGenerated)
        #expect(first.adminKey.hasPrefix("sqk_"))
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("data/admin.key").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let second = try ServeApp.build(c, logger: .init(label: "test"))
        #expect(!second.adminKeyGenerated)
        #expect(second.adminKey == first.adminKey)
        // Demo mode (no Live API key): loopback receivers are allowed.
        #expect(first.rules.endpointPolicy.allowList.isEmpty == false)
    }

    @Test("the start banner shows a generated admin key, never a configured one")
    func bannerSecrets() {
        let c = SquawkConfiguration()
        let configured = ServeBanner.lines(configuration: c, port: 8080, adminKey: "sqk_configured_secret", adminKeyGenerated: false, notices: [])
        #expect(!configured.joined().contains("sqk_configured_secret"))
        let generated = ServeBanner.lines(configuration: c, port: 8080, adminKey: "sqk_generated_key", adminKeyGenerated: true, notices: [])
        #expect(generated.joined().contains("sqk_generated_key"))
    }

    @Test("a postgres:// store URL selects PostgreSQL (nothing connects before run); a bad one is refused naming store.url, without its password")
    func postgresURL() throws {
        var c = SquawkConfiguration()
        c.storeURL = "postgres://squawk:hunter2@db/squawk?sslmode=disable"
        c.adminKey = "sqk_configured"
        let app = try ServeApp.build(c, logger: .init(label: "test"))
        #expect(app.store is PostgresStore)
        for bad in ["postgres://squawk:hunter2@db/", "postgres://squawk:hunter2@db/squawk?sslmode=maybe", "mysql://squawk:hunter2@db/squawk"] {
            c.storeURL = bad
            #expect { _ = try ServeApp.build(c, logger: .init(label: "test")) } throws: { error in
                guard let e = error as? ConfigurationError else { return false }
                return e.key == "store.url" && !e.message.contains("hunter2")
            }
        }
    }

    @Test("config check and the banner show a database URL without its password")
    func storeURLMasked() throws {
        var c = SquawkConfiguration()
        try c.set("store.url", "postgres://squawk:hunter2@db:5432/squawk")
        let lines = ConfigReport.lines(c) + ServeBanner.lines(configuration: c, port: 8080, adminKey: "k", adminKeyGenerated: false, notices: [])
        #expect(!lines.joined().contains("hunter2"))
        #expect(lines.contains("store.url = \"postgres://squawk:***@db:5432/squawk\""))
        #expect(lines.contains("store: postgres://squawk:***@db:5432/squawk"))
    }
}
