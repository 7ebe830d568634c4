import GRDB

/// Migration `0012_new_deliveries_hold`: a subscription's ``NewDeliveryHold`` (unix seconds;
/// NULL: new deliveries are due at once).
enum Migration0012NewDeliveriesHold {
    static let name = "0012_new_deliveries_hold"

    static func apply(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE subscriptions ADD COLUMN new_deliveries_due_at REAL")
    }
}
