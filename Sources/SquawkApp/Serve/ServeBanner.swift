import Foundation
import SquawkPostgres

/// What `squawk serve` prints once it listens: where, which key, and a copy-paste way to see
/// signed events arrive.
enum ServeBanner {
    static func lines(configuration c: SquawkConfiguration, port: Int, adminKey: String, adminKeyGenerated: Bool,
                      notices: [String]) -> [String] {
        let base = "http://\(c.host == "0.0.0.0" ? "127.0.0.1" : c.host):\(port)"
        var out = [
            "Squawk \(SquawkApp.version) listening on \(base)  (API docs: \(base)/openapi.json)",
            "store: \(c.sqlitePath ?? PostgresURL.redact(c.storeURL))",
            "upstream: " + (c.usesSimulator ? "built-in Live API simulator (no key configured)" : "Infinite Flight Live API at \(c.liveAPIBaseURL)"),
            // A generated key is shown (the newcomer needs it); a configured one is the operator's secret.
            adminKeyGenerated ? "admin API key: \(adminKey)  (generated, kept in \(c.dataDirectory)/admin.key)" : "admin API key: the one configured in api.admin_key",
        ]
        if c.consoleEnabled { out.append("web console: \(base)\(c.consolePath)  (sign in with an API key)") }
        out += notices.map { "note: \($0)" }
        out += [
            "",
            "See signed events arrive within a minute: subscribe a local receiver to takeoffs and landings on the Expert Server",
            "  curl -s -X POST \(base)/v1/subscriptions -H 'Authorization: Bearer \(adminKeyGenerated ? adminKey : "$SQUAWK_API_ADMIN_KEY")' -H 'Content-Type: application/json' \\",
            "    -d '{\"target\":{\"kind\":\"server\",\"id\":\"Expert Server\"},\"events\":[\"flight.takeoff\",\"flight.landing\"],\"notifyEndpoint\":\"http://127.0.0.1:9000/\",\"format\":\"json\"}'",
            "then start the receiver with the \"secret\" from the answer (undelivered events are retried, none are lost):",
            "  swift run squawk receive --port 9000 --secret whsec_…",
        ]
        return out
    }
}
