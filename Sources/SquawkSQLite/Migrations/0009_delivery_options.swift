import GRDB

/// Migration `0009_delivery_options`: a subscription's ``DeliveryOptions`` (its own pace and
/// freshness) as a JSON object, NULL when it has none.
enum Migration0009DeliveryOptions {
    static let name = "0009_delivery_options"

    static func apply(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE subscriptions ADD COLUMN delivery_options TEXT CHECK (delivery_options IS NULL OR json_valid(delivery_options))")
    }
}
