import SquawkCore

/// What `squawk config check` prints: the effective configuration with secrets masked, and what
/// the request budget buys.
public enum ConfigReport {
    public static func lines(_ c: SquawkConfiguration) -> [String] {
        var out = ["# effective configuration (defaults ← file ← SQUAWK_* environment ← flags)"]
        out += c.effectiveLines()
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
        return out
    }
}
