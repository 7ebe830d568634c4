// MARK: - Duration + milliseconds

extension Duration {
    /// Whole milliseconds, rounded up (a limit of 0.5 ms must not become "no limit").
    /// Saturates instead of overflowing for absurdly long durations.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        guard seconds < Int64(Int32.max) else { return Int(Int32.max) * 1000 }
        guard seconds > -Int64(Int32.max) else { return -Int(Int32.max) * 1000 }
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(seconds) * 1000 + Int(fraction)
    }
}
