/// A client's mistake, found by the pure core. `code` is stable and machine-readable (it is part
/// of the public API: problem responses carry it); `message` is for humans and never contains a
/// secret.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: String
    public var message: String
    /// JSON pointer-ish name of the offending field (`notifyEndpoint`, `target.id`), if any.
    public var field: String?

    public init(_ code: String, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { "\(code): \(message)" }
}
