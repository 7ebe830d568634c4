import GRDB

/// Migration `0007_subscription_filters`: a subscription's content filters
/// (``SubscriptionFilters``) as a JSON object, NULL when it has none.
enum Migration0007SubscriptionFilters {
    static let name = "0007_subscription_filters"

    static func apply(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE subscriptions ADD COLUMN filters TEXT CHECK (filters IS NULL OR json_valid(filters))")
    }
}
