import GRDB

/// Migration `0005_failing_since`: when a subscription's attempts started failing without a
/// success since (NULL when its last attempt succeeded). The dispatcher disables a subscription
/// failing continuously for longer than `delivery.disable_after_days`.
enum Migration0005FailingSince {
    static let name = "0005_failing_since"

    static func apply(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE subscriptions ADD COLUMN failing_since REAL")
    }
}
