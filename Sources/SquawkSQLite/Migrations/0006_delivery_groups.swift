import GRDB

/// Migration `0006_delivery_groups`: the ordering-group index covers every delivery, not only
/// unfinished ones.
///
/// `deliveries_unfinished(ordering_key, sequence) WHERE status IN ('pending','inflight')` named
/// `status` in its condition, so SQLite rewrote its entry on every claim and every
/// acknowledgement. Its key (subscription and subject) is random with respect to the queue's
/// order, so each of those writes dirtied a different page: a batch of 512 acknowledgements
/// wrote ~360 index pages to the WAL (~1.4 MB) for ~100 KB of rows. An index without the
/// condition is written only when a delivery is inserted or pruned; the store finds a group's
/// first unfinished delivery by reading a few rows of the group instead
/// (``SQLiteStore/save(_:_:wasFirst:)``). Measured on the drain of 50,000 deliveries: WAL
/// written 285 MB → 114 MB.
enum Migration0006DeliveryGroups {
    static let name = "0006_delivery_groups"

    static func apply(_ db: Database) throws {
        try db.execute(sql: "DROP INDEX deliveries_unfinished")
        try db.execute(sql: "CREATE INDEX deliveries_group ON deliveries(ordering_key, sequence)")
    }
}
