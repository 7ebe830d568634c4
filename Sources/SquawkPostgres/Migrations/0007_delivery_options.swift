/// Migration `0007_delivery_options`: a subscription's ``DeliveryOptions`` (its own pace and
/// freshness) as a JSON object, NULL when it has none.
enum PostgresMigration0007DeliveryOptions {
    static let name = "0007_delivery_options"

    static let statements = [
        "ALTER TABLE subscriptions ADD COLUMN delivery_options json",
    ]
}
