import SquawkCore

/// The one statistics type of every benchmark: min, p50, p90, p99, max and mean of a sample.
///
/// Percentiles interpolate linearly between the two nearest ranks (R's type 7, numpy's default):
/// the p-th percentile of n sorted values is at position (n − 1)·p. So the median of an even
/// count is the mean of the middle two, and every figure lies between min and max.
public struct Summary: Sendable, Hashable {
    public let count: Int
    public let min: Double
    public let p50: Double
    public let p90: Double
    public let p99: Double
    public let max: Double
    public let mean: Double

    /// Nil for an empty sample.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        count = sorted.count
        min = sorted[0]
        max = sorted[sorted.count - 1]
        p50 = Self.percentile(sorted: sorted, 0.50)
        p90 = Self.percentile(sorted: sorted, 0.90)
        p99 = Self.percentile(sorted: sorted, 0.99)
        mean = sorted.reduce(0, +) / Double(sorted.count)
    }

    /// Of durations, in seconds.
    public init?(_ durations: [Duration]) { self.init(durations.map(\.timeInterval)) }

    /// The `p`-th percentile (0…1) of ascending `sorted`, which must not be empty.
    public static func percentile(sorted: [Double], _ p: Double) -> Double {
        let position = Double(sorted.count - 1) * Swift.min(1, Swift.max(0, p))
        let below = Int(position.rounded(.down))
        let above = Swift.min(sorted.count - 1, below + 1)
        let fraction = position - Double(below)
        return sorted[below] + (sorted[above] - sorted[below]) * fraction
    }

    /// The median of `values`, or `empty` when there are none.
    public static func median(_ values: [Double], empty: Double = 0) -> Double { Summary(values)?.p50 ?? empty }
}
