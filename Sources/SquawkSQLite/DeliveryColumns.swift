import Foundation
import GRDB
import SquawkStore

/// The mapping between ``Delivery`` and ``DeliveryAttempt`` values and rows of `deliveries` and
/// `delivery_attempts`, by hand: column lists and decoders. (`deliveries.blocked` is the store's
/// own bookkeeping and is not part of the value; see ``Migration0003Deliveries``.)
enum DeliveryColumns {
    /// The columns of a ``Delivery``, in the order ``decode(_:)`` reads them.
    static let list = """
        id, event_id, subscription_id, sequence, ordering_key, status, attempts, next_attempt_at, \
        lease_until, last_error, last_status_code, created_at, completed_at
        """
    /// The number of columns in ``list`` (a query can select more after them).
    static let count = columnCount(list)

    /// The columns of a ``DeliveryAttempt``, in the order ``decodeAttempt(_:)`` reads them.
    static let attemptList = "delivery_id, attempt, at, status_code, latency_ms, response_snippet, error"
    static let insertAttemptSQL = "INSERT INTO delivery_attempts (\(attemptList)) VALUES (?, ?, ?, ?, ?, ?, ?)"

    // MARK: - Encoding

    /// ``insertAttemptSQL``'s values for ``DirectStatement``: the attempt as
    /// ``RowCoding/storable(_:)`` makes it, so it always satisfies the table's CHECKs.
    static func attemptValues(_ attempt: DeliveryAttempt) -> [DirectStatement.Value] {
        let a = RowCoding.storable(attempt)
        return [.text(a.deliveryId), .integer(Int64(a.attempt)), .real(a.at.timeIntervalSince1970), .integer(a.statusCode),
                .integer(Int64(a.latencyMs)), .text(a.responseSnippet), .text(a.error)]
    }

    // MARK: - Decoding

    /// A delivery from a row selected with ``list`` (GRDB's `Row` or a ``DirectStatement``'s).
    /// An unknown status is ``StoreError/Code/unavailable``.
    static func decode(_ row: some ColumnReader) throws -> Delivery {
        guard let status = DeliveryStatus(rawValue: row.text(5)) else {
            throw StoreError(.unavailable, "delivery row has an unknown status")
        }
        return Delivery(
            id: row.text(0), eventId: row.text(1), subscriptionId: row.text(2), sequence: row.integer(3), orderingKey: row.text(4),
            status: status, attempts: Int(row.integer(6)), nextAttemptAt: Date(timeIntervalSince1970: row.real(7)),
            leaseUntil: row.optionalReal(8).map(Date.init(timeIntervalSince1970:)), lastError: row.optionalText(9),
            lastStatusCode: row.optionalInt(10), createdAt: Date(timeIntervalSince1970: row.real(11)),
            completedAt: row.optionalReal(12).map(Date.init(timeIntervalSince1970:)))
    }

    /// An attempt from a row selected with ``attemptList``.
    static func decodeAttempt(_ row: Row) -> DeliveryAttempt {
        let at: Double = row[2]
        return DeliveryAttempt(deliveryId: row[0], attempt: row[1], at: Date(timeIntervalSince1970: at), statusCode: row[3],
                               latencyMs: row[4], responseSnippet: row[5], error: row[6])
    }
}

/// The number of columns in a comma-separated column list.
func columnCount(_ list: String) -> Int { list.split(separator: ",").count }
