import Foundation
import GRDB
import SquawkCore
import SquawkStore

/// The mapping between ``Subscription`` values and rows of the `subscriptions` table, by hand
/// (no record-type machinery): one column list, one argument list, one decoder.
enum SubscriptionColumns {
    /// Every column, in the order ``arguments(_:)`` binds and ``decode(_:cache:)`` reads them.
    static let list = """
        id, owner_key_id, target_kind, target_id, server, events, notify_endpoint, format, \
        description, metadata, status, disabled_reason, created_at, updated_at, expires_at, filters, delivery_options
        """
    /// The number of columns in ``list`` (a query can select more after them).
    static let count = columnCount(list)
    static let placeholders = Array(repeating: "?", count: count).joined(separator: ", ")
    static let insertSQL = "INSERT INTO subscriptions (\(list)) VALUES (\(placeholders))"

    // MARK: - Encoding

    /// Statement arguments for ``insertSQL``.
    static func arguments(_ s: Subscription) -> StatementArguments {
        [
            s.id, s.ownerKeyId, s.target.kind.rawValue, s.target.id, s.server, RowCoding.encodeEvents(s.events),
            s.notifyEndpoint, s.format.rawValue, s.description, RowCoding.encodeMetadata(s.metadata), s.status.rawValue,
            s.disabledReason, s.createdAt.timeIntervalSince1970, s.updatedAt.timeIntervalSince1970,
            s.expiresAt?.timeIntervalSince1970, RowCoding.encodeFilters(s.filters), RowCoding.encodeDeliveryOptions(s.delivery),
        ]
    }

    // MARK: - Decoding

    /// Memoises the decoding of `events` strings, which repeat across rows in big reads.
    struct Cache {
        var events: [String: Set<EventType>] = [:]
    }

    /// A subscription from a row selected with ``list``. Unknown enum values (a newer schema
    /// read by an older build) are reported as ``StoreError/Code/unavailable``.
    static func decode(_ row: some ColumnReader, cache: inout Cache) throws -> Subscription {
        guard let kind = TargetKind(rawValue: row.text(2)), let format = PayloadFormat(rawValue: row.text(7)),
              let status = SubscriptionStatus(rawValue: row.text(10)) else {
            throw StoreError(.unavailable, "subscription row has an unknown target kind, format or status")
        }
        let eventsText = row.text(5)
        let events: Set<EventType>
        if let cached = cache.events[eventsText] {
            events = cached
        } else {
            events = RowCoding.decodeEvents(eventsText)
            cache.events[eventsText] = events
        }
        return Subscription(
            id: row.text(0), ownerKeyId: row.text(1), target: SubscriptionTarget(kind: kind, id: row.text(3)),
            server: row.optionalText(4), events: events, filters: try RowCoding.decodeFilters(row.optionalText(15)), notifyEndpoint: row.text(6), format: format,
            delivery: try RowCoding.decodeDeliveryOptions(row.optionalText(16)), description: row.optionalText(8), metadata: RowCoding.decodeMetadata(row.text(9)), status: status,
            disabledReason: row.optionalText(11), createdAt: Date(timeIntervalSince1970: row.real(12)),
            updatedAt: Date(timeIntervalSince1970: row.real(13)), expiresAt: row.optionalReal(14).map(Date.init(timeIntervalSince1970:)))
    }

}
