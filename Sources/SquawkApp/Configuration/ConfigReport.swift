import Foundation
import SquawkCore

/// What `squawk config check` prints: the effective configuration with secrets masked, and what
/// the request budget buys.
public enum ConfigReport {
    /// `fls.example.org` of `https://fls.example.org/api`.
    static func host(_ url: String) -> String {
        let rest = url.components(separatedBy: "://").last ?? url
        return String(rest.prefix { $0 != "/" })
    }

    /// With `sources`, each key's line says where its value came from.
    public static func lines(_ c: SquawkConfiguration, sources: [String: SquawkConfiguration.Source]? = nil) -> [String] {
        var out = ["# effective configuration (defaults ← file ← SQUAWK_* environment ← flags), each key with its source"]
        out += c.effectiveLines(sources: sources)
        out.append("")
        out.append("# polling plan (the poller polls only the servers active subscriptions need)")
        for servers in [1, 3] {
            var tasks: Set<PollTask> = [.sessions]
            for i in 0..<servers {
                tasks.insert(.flights(server: "server\(i)"))
                tasks.insert(.atc(server: "server\(i)"))
            }
            let plan = PollPlan.make(tasks: tasks, limit: c.requestsPerMinute, minimumFlightsInterval: c.flightsInterval,
                                     sessionsInterval: c.sessionsInterval)
            out.append("\(servers) server\(servers == 1 ? "" : "s") watched: \(plan.summary)")
        }
        out.append("upstream: " + (c.usesSimulator ? "built-in simulator (liveapi.key not set)" : c.liveAPIBaseURL))
        let names = c.flsInstanceNames
        if names.isEmpty {
            out.append("fls: no instance configured (fls_club and fls_flight subscriptions are refused)")
        } else {
            // Hosts only: the URLs carry the logins.
            let hosts = c.usesEmbeddedFLS ? ["built-in simulator"] : FLSInstanceSetting.all(c.flsInstances).map { "\($0.name) at \(Self.host($0.baseURL))" }
            let perMinute = 60 / (c.usesEmbeddedFLS ? min(c.flsPollInterval, 10) : c.flsPollInterval)
            out.append(String(format: "fls: %@; each read while a subscription wants it: about %.1f requests/min of %d",
                              hosts.joined(separator: ", "), perMinute, c.flsRequestsPerMinute))
        }
        return out
    }
}
