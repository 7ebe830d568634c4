/// A Live API key that cannot be printed by accident.
///
/// `description`, `debugDescription`, `dump` and string interpolation all show `<redacted>`;
/// the only way to the value is ``bearerHeaderValue``, which the client puts in the
/// `Authorization` header and nowhere else (never in a URL, error or log line).
public struct LiveAPIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// `Bearer <key>`.
    var bearerHeaderValue: String { "Bearer " + value }

    /// Whether the key is empty (then the client sends no `Authorization` header).
    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "LiveAPIKey(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
