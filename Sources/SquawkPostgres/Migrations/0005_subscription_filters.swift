/// Migration `0005_subscription_filters`: a subscription's content filters
/// (``SubscriptionFilters``) as a JSON object, NULL when it has none.
enum PostgresMigration0005SubscriptionFilters {
    static let name = "0005_subscription_filters"

    static let statements = [
        "ALTER TABLE subscriptions ADD COLUMN filters json",
    ]
}
