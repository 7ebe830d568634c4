/// Migration `0011_new_deliveries_hold`: a subscription's ``NewDeliveryHold`` (NULL: new
/// deliveries are due at once).
enum PostgresMigration0011NewDeliveriesHold {
    static let name = "0011_new_deliveries_hold"

    static let statements = [
        "ALTER TABLE subscriptions ADD COLUMN new_deliveries_due_at timestamptz",
    ]
}
