import Configuration
import Foundation
import SquawkCore
import SquawkPostgres
import SquawkServer

/// Everything `squawk serve` can be told, with its defaults.
///
/// Sources, later ones winning: built-in defaults → the TOML file (`--config`, default
/// `config/squawk.toml` when it exists) → `SQUAWK_*` environment variables → command-line flags,
/// read through swift-configuration's providers (ConfigSources.swift).
/// Every key is declared once in ``keys`` (name, type, environment variable, default, help,
/// whether it is a secret); the example file, `squawk config check` and the error messages all
/// come from that table, so they cannot drift apart.
/// The name of the built-in simulator's FLS club.
public let EmbeddedFLSName = "demo"

public struct SquawkConfiguration: Sendable {
    // [server]
    public var host = "127.0.0.1"
    public var port = 8080
    public var idleTimeout = 60.0
    public var headTimeout = 10.0
    public var bodyTimeout = 30.0
    public var maxConnections = 4_096
    // [store]
    public var storeURL = "./data/squawk.sqlite"
    // [api]
    public var adminKey = ""
    public var allowList: [String] = []
    public var maxSubscriptionsPerKey = 1_000
    public var writesPerMinutePerKey = 120
    public var allowServerTargets = false
    // [liveapi]
    public var liveAPIKey = ""
    public var liveAPIBaseURL = "https://api.infiniteflight.com"
    public var requestsPerMinute = 30
    public var budgetShare = 0.9
    // [secrets]
    public var secretsKey = ""
    // [poller]
    public var flightsInterval = 15.0
    public var sessionsInterval = 600.0
    public var approachDistanceNM = 50.0
    // [fls]
    public var flsInstances: [String] = []
    public var flsPollInterval = 60.0
    public var flsRequestsPerMinute = 12
    // [simulator]
    public var simulatorFlights = 1_000
    public var simulatorFLSFlights = 240
    public var simulatorSeed = 1
    public var simulatorTimeScale = 1.0
    // [delivery]
    public var deliveryConcurrency = 128
    public var deliveryBatchSize = DispatcherConfiguration().batchSize
    public var retrySchedule: [Double] = RetryPolicy.standard.schedule
    public var retentionDays = 7.0
    public var disableAfterDays = 5.0
    public var operatorWebhook = ""
    public var deliveryProxy = ""
    public var shutdownGrace = 10.0
    public var leaseSeconds = 60.0
    // [log]
    public var logLevel = "info"
    public var logFormat = "text"
    // [metrics]
    public var metricsListen = "127.0.0.1:9464"
    // [console]
    public var consoleEnabled = true
    public var consolePath = "/console"
    public var consoleSessionMinutes = 30.0

    public init() {}

    /// Whether the upstream is the built-in simulator (no Live API key configured).
    public var usesSimulator: Bool { liveAPIKey.isEmpty }

    /// Whether the built-in simulator's FLS club ("demo") is the FLS source: with the simulator
    /// as upstream, no FLS instance configured and a club day to serve.
    public var usesEmbeddedFLS: Bool { usesSimulator && flsInstances.isEmpty && simulatorFLSFlights > 0 }

    /// The names of the FLS instances subscriptions may name.
    public var flsInstanceNames: [String] {
        usesEmbeddedFLS ? [EmbeddedFLSName] : FLSInstanceSetting.all(flsInstances).map(\.name)
    }

    /// The SQLite file of `store.url` (a path or `sqlite:PATH`), nil for other schemes.
    public var sqlitePath: String? {
        if storeURL.hasPrefix("sqlite:") { return String(storeURL.dropFirst("sqlite:".count)).replacingOccurrences(of: "//", with: "", options: .anchored) }
        if storeURL.contains("://") { return nil }
        return storeURL
    }

    /// Whether `store.url` names a PostgreSQL database (several instances may share it).
    public var usesPostgres: Bool { PostgresURL.isPostgres(storeURL) }

    /// The directory the store and generated files live in.
    public var dataDirectory: String {
        guard let p = sqlitePath else { return "./data" }
        let dir = (p as NSString).deletingLastPathComponent
        return dir.isEmpty ? "." : dir
    }

    // MARK: - Keys

    /// A configuration key: how to read it and how to show it.
    public struct Key: Sendable {
        public var name: String
        public var help: String
        public var secret: Bool
        /// The value's type, as the providers are asked for it.
        public var type: ConfigType
        let set: @Sendable (inout SquawkConfiguration, ConfigContent) throws(ConfigurationError) -> Void
        let get: @Sendable (SquawkConfiguration) -> String
        /// `SQUAWK_SERVER_PORT` for `server.port`.
        public var environmentName: String {
            "SQUAWK_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
        }
    }

    public static let keys: [Key] = [
        .int("server.port", "TCP port of the HTTP API.", \.port, 0...65_535),
        .string("server.host", "Address to listen on (0.0.0.0 for every interface).", \.host),
        .double("server.idle_timeout_seconds", "A kept-alive connection with no request is closed after this long.", \.idleTimeout, 0.1...3_600),
        .double("server.head_timeout_seconds", "A connection must send a complete request head within this long of opening or of the last response (slowloris).", \.headTimeout, 0.1...600),
        .double("server.body_timeout_seconds", "A request body must arrive within this long of its head.", \.bodyTimeout, 0.1...3_600),
        .int("server.max_connections", "Open API connections at once; past it, new ones wait in the listen backlog. 0: no cap.", \.maxConnections, 0...1_000_000),
        .string("store.url", "SQLite file (a path or sqlite:PATH), or postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=require&schema=NAME] for several instances on one database.", \.storeURL),
        .string("api.admin_key", "Admin API key; empty: one is generated into the data directory (admin.key) and printed at start.", \.adminKey, secret: true),
        .strings("api.allow_list", "CIDRs that notifyEndpoint may point to although private (e.g. [\"127.0.0.1/32\"] for a local receiver).", \.allowList,
                 check: { v in v.allSatisfy { IPRange(cidr: $0) != nil } ? nil : "must be CIDRs such as 10.0.0.0/8" }),
.int("api.max_subscriptions_per_key", "Subscriptions one API key may own (the admin key: no limit); 0: no limit. Past it, a create is a 422 subscription_limit.",
             \.maxSubscriptionsPerKey, 0...10_000_000),
        .int("api.writes_per_minute_per_key", "Creates, updates, rotations and enables one API key may make per minute, in bursts of as many (the admin key: no limit); 0: no limit. Past it, a 429 with Retry-After.",
             \.writesPerMinutePerKey, 0...1_000_000),
        .bool("api.allow_server_targets", "Allow subscriptions to a whole server (every flight on a session).", \.allowServerTargets),
        .string("liveapi.key", "Infinite Flight Live API key; empty: the built-in simulator is the upstream.", \.liveAPIKey, secret: true),
        .string("liveapi.base_url", "Base URL of the Live API.", \.liveAPIBaseURL,
                check: { $0.hasPrefix("http://") || $0.hasPrefix("https://") ? nil : "must be an http(s) URL" }),
        .int("liveapi.requests_per_minute", "The whole process's Live API budget (30 for a standard key).", \.requestsPerMinute, 1...600),
        .double("liveapi.budget_share", "Share of that budget the poller uses (0.9: 27 of 30), headroom for clock skew and retries; a 429 also halves the rate for a minute after its Retry-After.", \.budgetShare, 0.1...1),
        .double("poller.flights_interval_seconds", "Flights and ATC poll interval, per server (the API's minimum is 15).", \.flightsInterval, 15...3_600),
        .double("poller.sessions_interval_seconds", "Sessions poll interval.", \.sessionsInterval, 60...86_400),
        .double("poller.approach_distance_nm", "Distance from the destination that raises flight.approaching.", \.approachDistanceNM, 1...1_000),
        .strings("fls.instances", "FLS flight logs to watch, as NAME=URL with the login in the URL (e.g. [\"club=https://user:password@fls.example.org\"]); empty with the built-in simulator: its club \"demo\".", \.flsInstances,
                 secret: true, check: { v in FLSInstanceSetting.problem(v) }),
        .double("fls.poll_interval_seconds", "How often each FLS instance's modified-flights feed is read.", \.flsPollInterval, 1...3_600),
        .int("fls.requests_per_minute", "Requests per minute per FLS instance (token, feed and flight reads together).", \.flsRequestsPerMinute, 1...600),
        .int("simulator.flights", "Flights per server in the built-in simulator.", \.simulatorFlights, 0...20_000),
        .int("simulator.fls_flights", "Flights in the built-in simulator's FLS club day, one launch every 90 s on average (0: no FLS).", \.simulatorFLSFlights, 0...2_000),
        .int("simulator.seed", "Seed of the simulated world.", \.simulatorSeed, 0...Int.max),
        .double("simulator.time_scale", "Simulated seconds per wall second.", \.simulatorTimeScale, 0.1...1_000),
        .int("delivery.concurrency", "Webhook sends in flight at once.", \.deliveryConcurrency, 1...4_096),
        .int("delivery.batch_size", "Deliveries claimed and acknowledged per database transaction.", \.deliveryBatchSize, 1...10_000),
        .doubles("delivery.retry_schedule", "Delay before each attempt, seconds (the first is normally 0).", \.retrySchedule,
                 check: { $0.isEmpty || $0.contains { $0 < 0 } ? "must be a non-empty list of non-negative seconds" : nil }),
        .double("delivery.retention_days", "How long delivered events and attempts are kept.", \.retentionDays, 0.01...3_650),
        .double("delivery.disable_after_days", "A subscription failing continuously this long is disabled.", \.disableAfterDays, 0.01...365),
        .string("delivery.operator_webhook", "URL that hears operational events (failed deliveries, disabled subscriptions); empty: none.", \.operatorWebhook, secret: true),
        .string("delivery.proxy", "Forward proxy for every outgoing request (http://[user:password@]host:port); empty: none. Proxy environment variables (http_proxy, HTTPS_PROXY, ALL_PROXY) are always ignored; through a proxy each webhook's destination is still checked by name and address before it is sent.", \.deliveryProxy, secret: true,
                check: { $0.isEmpty || $0.hasPrefix("http://") || $0.hasPrefix("https://") ? nil : "must be empty or an http(s):// proxy URL" }),
        .double("delivery.shutdown_grace_seconds", "On SIGTERM, how long in-flight sends may finish.", \.shutdownGrace, 0...300),
        .double("delivery.lease_seconds", "How long a claimed delivery stays claimed; after a crash it is sent again when its lease ends. Keep it well above the 15 s request timeout: a send's timeout is cut to what is left of its claim.", \.leaseSeconds, 1...3_600),
        .string("log.level", "trace, debug, info, notice, warning, error or critical.", \.logLevel,
                check: { ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains($0) ? nil : "must be one of trace, debug, info, notice, warning, error, critical" }),
        .string("log.format", "text or json (one JSON object per line).", \.logFormat,
                check: { ["text", "json"].contains($0) ? nil : "must be text or json" }),
.string("secrets.key", "32 random bytes in base64 (squawk secrets new-key): webhook secrets are stored encrypted with it (AES-256-GCM). Change it with squawk secrets reseal. Empty: stored as issued.",
                \.secretsKey, secret: true),
        .string("metrics.listen", "HOST:PORT where Prometheus scrapes GET /metrics without a key (loopback by default; empty: no such listener). On the API port /metrics needs the admin key.",
                \.metricsListen, check: { $0.isEmpty || SquawkConfiguration.hostPort($0) != nil ? nil : "must be HOST:PORT, e.g. 127.0.0.1:9464, or empty" }),
        .bool("console.enabled", "Serve the web console (sign in with an API key).", \.consoleEnabled),
        .string("console.path", "Where the web console is served.", \.consolePath,
                check: { $0.range(of: "^/[a-z0-9_-]+$", options: .regularExpression) != nil && !["/v1", "/flifo", "/metrics", "/healthz", "/readyz"].contains($0)
                    ? nil : "must be one path segment like /console (lower-case letters, digits, - or _), not one of the API's" }),
        .double("console.session_minutes", "A console session ends after this long without a request.", \.consoleSessionMinutes, 1...1_440),
    ]

    /// The API connections' limits (`server.*_timeout_seconds`, `server.max_connections`).
    public var connectionLimits: ConnectionLimits {
        ConnectionLimits(idleTimeout: .milliseconds(Int64(idleTimeout * 1000)), headTimeout: .milliseconds(Int64(headTimeout * 1000)),
                         bodyTimeout: .milliseconds(Int64(bodyTimeout * 1000)), maxConnections: maxConnections)
    }

    /// `HOST:PORT` split (`[::1]:9464` for IPv6), nil unless the port is 0…65535.
    public static func hostPort(_ s: String) -> (host: String, port: Int)? {
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        var host = String(s[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    // MARK: - Showing

    /// `key = value` lines with secrets masked, for `squawk config check` and the start banner.
    /// With `sources`, each line ends with where its value came from (`# file`, `# environment`…).
    public func effectiveLines(sources: [String: Source]? = nil) -> [String] {
        Self.keys.map { key in
            let value = key.get(self)
            var shown = key.secret ? (value == "\"\"" || value == "[]" ? "\(value) (not set)" : "\"****\" (set)") : value
            // A database URL is shown without its password.
            if key.name == "store.url" { shown = Key.quoted(PostgresURL.redact(storeURL)) }
            guard let sources else { return "\(key.name) = \(shown)" }
            return "\(key.name) = \(shown)  # \((sources[key.name] ?? .defaults).rawValue)"
        }
    }

    /// The documented example file: every key, its help and its default.
    public static func exampleTOML() -> String {
        let defaults = SquawkConfiguration()
        var out = """
        # Squawk configuration: every key with its default. Copy to config/squawk.toml and edit,
        # or set the environment variable shown (SQUAWK_SECTION_KEY), or pass a flag.
        # Generated by `squawk config example`; a test keeps it in step with the code.

        """
        var section = ""
        for key in keys.sorted(by: { $0.name.split(separator: ".")[0] < $1.name.split(separator: ".")[0] }) {
            let parts = key.name.split(separator: ".", maxSplits: 1).map(String.init)
            if parts[0] != section {
                section = parts[0]
                out += "\n[\(section)]\n"
            }
            out += "# \(key.help) (env \(key.environmentName))\n\(parts[1]) = \(key.get(defaults))\n"
        }
        return out
    }
}

/// A configuration problem, naming the key.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var key: String?
    public var message: String
    public init(key: String?, _ message: String) {
        self.key = key
        self.message = message
    }
    public var description: String { message }
}

// MARK: - Key builders

extension SquawkConfiguration.Key {
    typealias Config = SquawkConfiguration

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A key whose value arrives as `type` and is checked by `accept` before it is stored.
    static func make<Value>(_ name: String, _ help: String, _ type: ConfigType, secret: Bool = false,
                            _ path: any WritableKeyPath<Config, Value> & Sendable,
                            value: @escaping @Sendable (ConfigContent) -> Value?, expected: String,
                            check: @escaping @Sendable (Value) -> String? = { _ in nil },
                            show: @escaping @Sendable (Value) -> String) -> Self {
        Self(name: name, help: help, secret: secret, type: type, set: { (c: inout Config, content: ConfigContent) throws(ConfigurationError) in
            guard let v = value(content) else { throw mismatch(name, expected) }
            if let problem = check(v) { throw ConfigurationError(key: name, "\(name): \(problem)") }
            c[keyPath: path] = v
        }, get: { show($0[keyPath: path]) })
    }

    static func string(_ name: String, _ help: String, _ path: any WritableKeyPath<Config, String> & Sendable, secret: Bool = false,
                       check: @escaping @Sendable (String) -> String? = { _ in nil }) -> Self {
        make(name, help, .string, secret: secret, path, value: { if case .string(let s) = $0 { s } else { nil } },
             expected: "a string", check: check, show: quoted)
    }

    static func int(_ name: String, _ help: String, _ path: any WritableKeyPath<Config, Int> & Sendable, _ range: ClosedRange<Int>) -> Self {
        make(name, help, .int, path, value: { if case .int(let i) = $0 { i } else { nil } }, expected: "an integer",
             check: { range.contains($0) ? nil : "\($0) is outside \(range.lowerBound)…\(range.upperBound)" }, show: { String($0) })
    }

    static func double(_ name: String, _ help: String, _ path: any WritableKeyPath<Config, Double> & Sendable, _ range: ClosedRange<Double>) -> Self {
        make(name, help, .double, path, value: { if case .double(let d) = $0 { d } else { nil } }, expected: "a number",
             check: { range.contains($0) ? nil : "\($0) is outside \(range.lowerBound)…\(range.upperBound)" }, show: format)
    }

    static func bool(_ name: String, _ help: String, _ path: any WritableKeyPath<Config, Bool> & Sendable) -> Self {
        make(name, help, .bool, path, value: { if case .bool(let b) = $0 { b } else { nil } }, expected: "true or false", show: { String($0) })
    }

    static func strings(_ name: String, _ help: String, _ path: any WritableKeyPath<Config, [String]> & Sendable, secret: Bool = false,
                        check: @escaping @Sendable ([String]) -> String? = { _ in nil }) -> Self {
        make(name, help, .stringArray, secret: secret, path, value: { if case .stringArray(let a) = $0 { a.filter { !$0.isEmpty } } else { nil } },
             expected: "a list of strings", check: check, show: { "[" + $0.map(quoted).joined(separator: ", ") + "]" })
    }

    static func doubles(_ name: String, _ help: String, _ path: any WritableKeyPath<Config, [Double]> & Sendable,
                        check: @escaping @Sendable ([Double]) -> String? = { _ in nil }) -> Self {
        make(name, help, .doubleArray, path, value: { if case .doubleArray(let a) = $0 { a } else { nil } },
             expected: "a list of numbers", check: check, show: { "[" + $0.map(format).joined(separator: ", ") + "]" })
    }

    static func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }
}
