import Foundation
import SquawkCore
import SquawkFLS
import SquawkSimulator

/// `squawk bench fls`: detection quality of the FLS differ against a simulated club day's truth
/// at several poll intervals (the `modified` feed read as the poller reads it), and the cost of
/// one poll (decoding the feed's JSON and diffing it).
public enum FLSBenchmark {
    public static func run(flights: Int, seed: UInt64, intervals: [Double]) throws -> String {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let day = ClubDay(ClubDayConfiguration(seed: seed, start: start, flights: flights))
        let end = (day.flights.flatMap { $0.legs.flatMap(\.steps) }.map(\.at).max() ?? start).addingTimeInterval(600)
        let truth = day.truth(asOf: end)
        let legs = day.flights.reduce(0) { $0 + $1.legs.count }
        var out = "FLS club day: \(flights) flights, \(legs) legs, \(truth.count) truth events over \(Int(end.timeIntervalSince(start) / 3600)) h (seed \(seed))\n"
        for interval in intervals {
            let events = FLSScore.poll(day, every: interval, from: start, until: end)
            out += "\npolled every \(Int(interval)) s:\n" + FLSScore(truth: truth, detected: events.map(\.flsKey)).description
        }
        // One poll's cost: every record of the day in one feed (a busy day's full re-read).
        let records = day.modified(since: .distantPast, asOf: end)
        let body = try JSONEncoder().encode(records)
        var decodeTimes: [Duration] = [], diffTimes: [Duration] = []
        let clock = ContinuousClock()
        for _ in 0..<20 {
            var decoded: [FLSFlightDetails] = []
            decodeTimes.append(try clock.measure { decoded = try JSONDecoder().decode([FLSFlightDetails].self, from: body) })
            var state = FLSDiffState()
            diffTimes.append(clock.measure { _ = FLSDiffer.diff(&state, flights: decoded, instance: "club", observedAt: end) })
        }
        func median(_ d: [Duration]) -> String { String(format: "%.2f ms", (Summary(d)?.p50 ?? .nan) * 1000) }
        out += "\none poll of all \(records.count) records (\(body.count / 1024) KiB JSON): decode \(median(decodeTimes)), diff \(median(diffTimes)) (median of 20)\n"
        return out
    }
}
