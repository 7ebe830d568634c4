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
        description, metadata, status, disabled_reason, created_at, updated_at, expires_at
        """
    /// The number of columns in ``list`` (a query can select more after them).
    static let count = 15
    static let placeholders = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
    static let insertSQL = "INSERT INTO subscriptions (\(list)) VALUES (\(placeholders))"

    // MARK: - Encoding

    /// Statement arguments for ``insertSQL``.
    static func arguments(_ s: Subscription) -> StatementArguments {
        [
            s.id, s.ownerKeyId, s.target.kind.rawValue, s.target.id, s.server, RowCoding.encodeEvents(s.events),
            s.notifyEndpoint, s.format.rawValue, s.description, RowCoding.encodeMetadata(s.metadata), s.status.rawValue,
            s.disabledReason, s.createdAt.timeIntervalSince1970, s.updatedAt.timeIntervalSince1970,
            s.expiresAt?.timeIntervalSince1970,
        ]
    }

    // MARK: - Decoding

    /// Memoises the decoding of `events` strings, which repeat across rows in big reads.
    struct Cache {
        var events: [String: Set<EventType>] = [:]
    }

    /// A subscription from a row selected with ``list``. Unknown enum values (a newer schema
    /// read by an older build) are reported as ``StoreError/Code/unavailable``.
    static func decode(_ row: Row, cache: inout Cache) throws -> Subscription {
        let kindRaw: String = row[2]
        let formatRaw: String = row[7]
        let statusRaw: String = row[10]
        guard let kind = TargetKind(rawValue: kindRaw), let format = PayloadFormat(rawValue: formatRaw),
              let status = SubscriptionStatus(rawValue: statusRaw) else {
            throw StoreError(.unavailable, "subscription row has an unknown target kind, format or status")
        }
        let eventsText: String = row[5]
        let events: Set<EventType>
        if let cached = cache.events[eventsText] {
            events = cached
        } else {
            events = RowCoding.decodeEvents(eventsText)
            cache.events[eventsText] = events
        }
        let metadataText: String = row[9]
        let created: Double = row[12]
        let updated: Double = row[13]
        let expires: Double? = row[14]
        return Subscription(
            id: row[0], ownerKeyId: row[1], target: SubscriptionTarget(kind: kind, id: row[3]), server: row[4],
            events: events, notifyEndpoint: row[6], format: format, description: row[8],
            metadata: RowCoding.decodeMetadata(metadataText), status: status, disabledReason: row[11],
            createdAt: Date(timeIntervalSince1970: created), updatedAt: Date(timeIntervalSince1970: updated),
            expiresAt: expires.map(Date.init(timeIntervalSince1970:)))
    }

}
