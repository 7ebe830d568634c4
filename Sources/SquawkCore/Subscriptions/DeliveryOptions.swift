import Foundation

/// How a subscription's deliveries go out, beyond its format: a pace of its own and how long an
/// event stays worth sending. Every key optional; stored as one JSON object.
public struct DeliveryOptions: Sendable, Hashable, Codable {
    /// At most this many requests a minute to the endpoint, on top of the receiver's own budget.
    public var maxPerMinute: Int?
    /// Seconds after the event within which it is worth sending; later it is not sent but
    /// expired. Unset: 15 minutes for `discord` and `slack` (a channel wants recent news), never
    /// for `json` and `flifo`.
    public var maxAge: Int?

    public init(maxPerMinute: Int? = nil, maxAge: Int? = nil) {
        self.maxPerMinute = maxPerMinute
        self.maxAge = maxAge
    }

    public var isEmpty: Bool { maxPerMinute == nil && maxAge == nil }

    public static let maxPerMinuteRange = 1...600
    public static let maxAgeRange = 10...604_800
    /// The freshness of chat formats when the subscription does not set one.
    public static let chatMaxAge = 900

    /// The age past which an event of a subscription in `format` is no longer sent; nil: never.
    public func effectiveMaxAge(_ format: PayloadFormat) -> Int? {
        maxAge ?? (format.isChat ? Self.chatMaxAge : nil)
    }
}
