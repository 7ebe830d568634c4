import Foundation
import SquawkCore

/// What a delivery log looks like lately: finished deliveries per minute by outcome, and the
/// subscriptions whose endpoint is failing now. For `GET /v1/activity` and the console's overview.
public struct DeliveryActivity: Sendable, Hashable {
    /// One minute's finished deliveries (minutes without any are left out).
    public struct Minute: Sendable, Hashable {
        /// The minute's start.
        public var start: Date
        public var delivered: Int
        public var failed: Int
        public var expired: Int
        public init(start: Date, delivered: Int = 0, failed: Int = 0, expired: Int = 0) {
            self.start = start
            self.delivered = delivered
            self.failed = failed
            self.expired = expired
        }
    }

    /// A subscription whose attempts have failed, without a success, since `since`.
    public struct FailingEndpoint: Sendable, Hashable {
        public var subscriptionId: String
        public var notifyEndpoint: String
        public var since: Date
        public init(subscriptionId: String, notifyEndpoint: String, since: Date) {
            self.subscriptionId = subscriptionId
            self.notifyEndpoint = notifyEndpoint
            self.since = since
        }
    }

    /// Oldest first.
    public var minutes: [Minute]
    /// Failing longest first.
    public var failing: [FailingEndpoint]

    public init(minutes: [Minute], failing: [FailingEndpoint]) {
        self.minutes = minutes
        self.failing = failing
    }

    /// Folds `(minute index since 1970, status, count)` rows into minutes, oldest first.
    public static func minutes(_ rows: [(minute: Int64, status: String, count: Int)]) -> [Minute] {
        var byMinute: [Int64: Minute] = [:]
        for row in rows {
            var m = byMinute[row.minute] ?? Minute(start: Date(timeIntervalSince1970: Double(row.minute) * 60))
            switch row.status {
            case DeliveryStatus.delivered.rawValue: m.delivered += row.count
            case DeliveryStatus.failed.rawValue: m.failed += row.count
            case DeliveryStatus.expired.rawValue: m.expired += row.count
            default: continue
            }
            byMinute[row.minute] = m
        }
        return byMinute.keys.sorted().compactMap { byMinute[$0] }
    }
}

/// A store that can summarise its delivery log (both stores are).
public protocol DeliveryActivityStore: Sendable {
    /// Deliveries finished at or after `since`, per minute, and the failing endpoints; of `owner`'s
    /// subscriptions, or of all with nil.
    func activity(owner: String?, since: Date) async throws -> DeliveryActivity
    /// The event a delivery of `owner`'s carries (to show the payload it was sent with).
    func event(deliveryId: String, owner: String) async throws -> FlightEvent?
}
