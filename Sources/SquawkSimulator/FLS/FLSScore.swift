import Foundation
import SquawkCore
import SquawkFLS

/// Detection quality of FLS events against a club day's ground truth: per event type, how many
/// truth events, how many detected, how many of each matched one for one (by type, flight and
/// leg, in order). Used by `squawk bench fls` and the tests.
public struct FLSScore: Sendable, CustomStringConvertible {
    public struct Line: Sendable, Hashable {
        public var truth = 0
        public var detected = 0
        public var matched = 0
        public var precision: Double { detected == 0 ? 1 : Double(matched) / Double(detected) }
        public var recall: Double { truth == 0 ? 1 : Double(matched) / Double(truth) }
    }

    public var lines: [String: Line]

    /// Scores `detected` (type, flight id, leg) against `truth`.
    public init(truth: [FLSTruthEvent], detected: [(type: String, flightId: String, leg: String)]) {
        var remaining: [String: Int] = [:]
        var lines: [String: Line] = [:]
        for t in truth {
            remaining["\(t.type)|\(t.flightId)|\(t.leg)", default: 0] += 1
            lines[t.type, default: Line()].truth += 1
        }
        for d in detected {
            lines[d.type, default: Line()].detected += 1
            let key = "\(d.type)|\(d.flightId.lowercased())|\(d.leg)"
            if let n = remaining[key], n > 0 {
                remaining[key] = n - 1
                lines[d.type, default: Line()].matched += 1
            }
        }
        self.lines = lines
    }

    /// Events of the pure differ polling `day` every `interval` sim seconds until `end`, the way
    /// the FLS poller reads the modified feed (with its overlap), starting with a seeding poll.
    public static func poll(_ day: ClubDay, every interval: TimeInterval, from start: Date, until end: Date,
                            overlap: TimeInterval = 120) -> [FlightEvent] {
        var state = FLSDiffState()
        var events: [FlightEvent] = []
        var now = start
        var cursor: Date?
        while now <= end {
            let since = cursor.map { $0.addingTimeInterval(-overlap) } ?? now.addingTimeInterval(-86_400)
            events += FLSDiffer.diff(&state, flights: day.modified(since: since, asOf: now), instance: "club", observedAt: now,
                                     seeding: cursor == nil)
            cursor = now
            now = now.addingTimeInterval(interval)
        }
        return events
    }

    public var description: String {
        var out = "| type | truth | detected | matched | precision | recall |\n| --- | --- | --- | --- | --- | --- |\n"
        for (type, l) in lines.sorted(by: { $0.key < $1.key }) {
            out += "| \(type) | \(l.truth) | \(l.detected) | \(l.matched) | \(String(format: "%.1f %%", l.precision * 100)) | \(String(format: "%.1f %%", l.recall * 100)) |\n"
        }
        return out
    }
}

extension FlightEvent {
    /// (type, flight id, leg) of an FLS event, as ``FLSScore`` compares them.
    public var flsKey: (type: String, flightId: String, leg: String) {
        (type.rawValue, flightId ?? "", data["leg"]?.stringValue ?? "")
    }
}
