/// The ordered, append-only list of PostgreSQL migrations (DESIGN.md rule 8). To change the
/// schema, append a file `Migrations/NNNN_name.swift` and a line to ``all``; never edit or
/// reorder a landed one. ``PostgresStore/migrate()`` applies what is missing, recording each name
/// in `squawk_migrations`, all in one transaction under an advisory lock.
enum PostgresMigrations {
    /// Name and statements of every migration, in order.
    static let all: [(name: String, statements: [String])] = [
        (PostgresMigration0001Subscriptions.name, PostgresMigration0001Subscriptions.statements),
        (PostgresMigration0002APIKeys.name, PostgresMigration0002APIKeys.statements),
        (PostgresMigration0003Deliveries.name, PostgresMigration0003Deliveries.statements),
        (PostgresMigration0004PollerState.name, PostgresMigration0004PollerState.statements),
        (PostgresMigration0005SubscriptionFilters.name, PostgresMigration0005SubscriptionFilters.statements),
        (PostgresMigration0006BoundedSecrets.name, PostgresMigration0006BoundedSecrets.statements),
        (PostgresMigration0007DeliveryOptions.name, PostgresMigration0007DeliveryOptions.statements),
        (PostgresMigration0008ChatCards.name, PostgresMigration0008ChatCards.statements),
        (PostgresMigration0009ReceiverSends.name, PostgresMigration0009ReceiverSends.statements),
        (PostgresMigration0010ExpiredStatus.name, PostgresMigration0010ExpiredStatus.statements),
        (PostgresMigration0011NewDeliveriesHold.name, PostgresMigration0011NewDeliveriesHold.statements),
    ]
}
