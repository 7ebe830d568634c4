import Foundation

extension Duration {
    /// The duration in seconds, as a `TimeInterval` (for date arithmetic).
    public var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
