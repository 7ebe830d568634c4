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
    static let count = 13

    /// The columns of a ``DeliveryAttempt``, in the order ``decodeAttempt(_:)`` reads them.
    static let attemptList = "delivery_id, attempt, at, status_code, latency_ms, response_snippet, error"
    static let insertAttemptSQL = "INSERT INTO delivery_attempts (\(attemptList)) VALUES (?, ?, ?, ?, ?, ?, ?)"

    // MARK: - Encoding

    /// Statement arguments for ``insertAttemptSQL``: the attempt as ``RowCoding/storable(_:)``
    /// makes it, so it always satisfies the table's CHECKs.
    static func attemptArguments(_ attempt: DeliveryAttempt) -> StatementArguments {
        let a = RowCoding.storable(attempt)
        return [a.deliveryId, a.attempt, a.at.timeIntervalSince1970, a.statusCode, a.latencyMs, a.responseSnippet, a.error]
    }

    // MARK: - Decoding

    /// A delivery from a row selected with ``list``. An unknown status is
    /// ``StoreError/Code/unavailable``.
    static func decode(_ row: Row) throws -> Delivery {
        let statusRaw: String = row[5]
        guard let status = DeliveryStatus(rawValue: statusRaw) else {
            throw StoreError(.unavailable, "delivery row has an unknown status")
        }
        let next: Double = row[7]
        let lease: Double? = row[8]
        let created: Double = row[11]
        let completed: Double? = row[12]
        return Delivery(
            id: row[0], eventId: row[1], subscriptionId: row[2], sequence: row[3], orderingKey: row[4], status: status,
            attempts: row[6], nextAttemptAt: Date(timeIntervalSince1970: next), leaseUntil: lease.map(Date.init(timeIntervalSince1970:)),
            lastError: row[9], lastStatusCode: row[10], createdAt: Date(timeIntervalSince1970: created),
            completedAt: completed.map(Date.init(timeIntervalSince1970:)))
    }

    /// An attempt from a row selected with ``attemptList``.
    static func decodeAttempt(_ row: Row) -> DeliveryAttempt {
        let at: Double = row[2]
        return DeliveryAttempt(deliveryId: row[0], attempt: row[1], at: Date(timeIntervalSince1970: at), statusCode: row[3],
                               latencyMs: row[4], responseSnippet: row[5], error: row[6])
    }
}
