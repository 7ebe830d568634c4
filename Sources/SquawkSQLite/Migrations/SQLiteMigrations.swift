import GRDB

/// The ordered, append-only list of SQLite migrations (DESIGN.md rule 8). Each runs once, in its
/// own transaction (GRDB's `DatabaseMigrator` does that and records what ran in
/// `grdb_migrations`). To change the schema, append a migration file `Migrations/NNNN_name.swift`
/// and a line to ``all``; never edit or reorder a landed one.
enum SQLiteMigrations {
    /// Name and body of every migration, in order.
    static let all: [(name: String, apply: @Sendable (Database) throws -> Void)] = [
        (Migration0001Subscriptions.name, Migration0001Subscriptions.apply),
        (Migration0002APIKeys.name, Migration0002APIKeys.apply),
        (Migration0003Deliveries.name, Migration0003Deliveries.apply),
        (Migration0004PollerState.name, Migration0004PollerState.apply),
        (Migration0005FailingSince.name, Migration0005FailingSince.apply),
        (Migration0006DeliveryGroups.name, Migration0006DeliveryGroups.apply),
        (Migration0007SubscriptionFilters.name, Migration0007SubscriptionFilters.apply),
        (Migration0008BoundedSecrets.name, Migration0008BoundedSecrets.apply),
        (Migration0009DeliveryOptions.name, Migration0009DeliveryOptions.apply),
        (Migration0010ChatCards.name, Migration0010ChatCards.apply),
        (Migration0011ExpiredStatus.name, Migration0011ExpiredStatus.apply),
        (Migration0012NewDeliveriesHold.name, Migration0012NewDeliveriesHold.apply),
    ]

    /// A migrator holding ``all``.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all {
            migrator.registerMigration(migration.name, migrate: migration.apply)
        }
        return migrator
    }
}
