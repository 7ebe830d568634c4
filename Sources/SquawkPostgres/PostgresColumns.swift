import Foundation
import PostgresNIO
import SquawkCore
import SquawkStore

/// The mapping between domain values and PostgreSQL rows, by hand: a column list per type, in
/// the order its decoder reads the cells. The text forms come from ``RowCoding``, shared with SQLite.
enum PostgresColumns {
    // MARK: - Subscriptions

    static let subscription = """
        id, owner_key_id, target_kind, target_id, server, events, notify_endpoint, format, \
        description, metadata::text, status, disabled_reason, created_at, updated_at, expires_at, filters::text, delivery_options::text
        """
    /// The number of columns in ``subscription`` (a query can select more after them).
    static let subscriptionCount = 17

    /// The binds of a subscription insert, in ``subscription``'s order.
    static func bindSubscription(_ s: Subscription, into binds: inout PostgresBindings) {
        binds.append(s.id)
        binds.append(s.ownerKeyId)
        binds.append(s.target.kind.rawValue)
        binds.append(s.target.id)
        binds.append(s.server)
        binds.append(RowCoding.encodeEvents(s.events))
        binds.append(s.notifyEndpoint)
        binds.append(s.format.rawValue)
        binds.append(s.description)
        binds.append(RowCoding.encodeMetadata(s.metadata))
        binds.append(s.status.rawValue)
        binds.append(s.disabledReason)
        binds.append(s.createdAt.pg)
        binds.append(s.updatedAt.pg)
        binds.append(s.expiresAt?.pg)
        binds.append(RowCoding.encodeFilters(s.filters))
        binds.append(RowCoding.encodeDeliveryOptions(s.delivery))
    }

    static let insertSubscription = """
        INSERT INTO subscriptions (id, owner_key_id, target_kind, target_id, server, events, notify_endpoint, format,
            description, metadata, status, disabled_reason, created_at, updated_at, expires_at, filters, delivery_options)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::json, $11, $12, $13, $14, $15::timestamptz, $16::json, $17::json)
        """

    /// A subscription from a row selected with ``subscription``. Unknown enum values (a newer
    /// schema read by an older build) are ``StoreError/Code/unavailable``.
    static func decodeSubscription(_ r: PostgresRandomAccessRow, cache: inout [String: Set<EventType>]) throws -> Subscription {
        guard let kind = TargetKind(rawValue: try r[2].decode(String.self)),
              let format = PayloadFormat(rawValue: try r[7].decode(String.self)),
              let status = SubscriptionStatus(rawValue: try r[10].decode(String.self)) else {
            throw StoreError(.unavailable, "subscription row has an unknown target kind, format or status")
        }
        let eventsText = try r[5].decode(String.self)
        let events: Set<EventType>
        if let cached = cache[eventsText] {
            events = cached
        } else {
            events = RowCoding.decodeEvents(eventsText)
            cache[eventsText] = events
        }
        return Subscription(
            id: try r[0].decode(String.self), ownerKeyId: try r[1].decode(String.self),
            target: SubscriptionTarget(kind: kind, id: try r[3].decode(String.self)), server: try r[4].decode(String?.self),
            events: events, filters: try RowCoding.decodeFilters(try r[15].decode(String?.self)),
            notifyEndpoint: try r[6].decode(String.self), format: format,
            delivery: try RowCoding.decodeDeliveryOptions(try r[16].decode(String?.self)), description: try r[8].decode(String?.self),
            metadata: RowCoding.decodeMetadata(try r[9].decode(String.self)), status: status,
            disabledReason: try r[11].decode(String?.self), createdAt: try r[12].decode(PostgresTimestamp.self).date,
            updatedAt: try r[13].decode(PostgresTimestamp.self).date, expiresAt: try r[14].decode(PostgresTimestamp?.self)?.date)
    }

    // MARK: - Events

    static let event = """
        id, type, at, server_id, server_name, flight_id, user_id, username, callsign, \
        virtual_organization, airport, frequency_id, data::text
        """

    /// Columns of an event insert, ``event``'s plus `created_at`, with their casts (for VALUES lists).
    static let eventInsertColumns = "id, type, at, server_id, server_name, flight_id, user_id, username, callsign, virtual_organization, airport, frequency_id, data, created_at"
    static let eventInsertCasts = ["text", "text", "timestamptz", "text", "text", "text", "text", "text", "text", "text", "text", "text", "json", "timestamptz"]

    static func bindEvent(_ e: FlightEvent, data: String, createdAt: Date, into binds: inout PostgresBindings) {
        binds.append(e.id)
        binds.append(e.type.rawValue)
        binds.append(e.at.pg)
        binds.append(e.server?.id)
        binds.append(e.server?.name)
        binds.append(e.flightId)
        binds.append(e.userId)
        binds.append(e.username)
        binds.append(e.callsign)
        binds.append(e.virtualOrganization)
        binds.append(e.airport)
        binds.append(e.frequencyId)
        binds.append(data)
        binds.append(createdAt.pg)
    }

    /// An event from a row selected with ``event``; an unknown type or unreadable data is
    /// ``StoreError/Code/unavailable``.
    static func decodeEvent(_ r: PostgresRandomAccessRow) throws -> FlightEvent {
        guard let type = EventType(rawValue: try r[1].decode(String.self)) else {
            throw StoreError(.unavailable, "event row has an unknown type")
        }
        let serverId = try r[3].decode(String?.self), serverName = try r[4].decode(String?.self)
        return FlightEvent(
            id: try r[0].decode(String.self), type: type, at: try r[2].decode(PostgresTimestamp.self).date,
            server: serverId.flatMap { id in serverName.map { ServerRef(id: id, name: $0) } },
            flightId: try r[5].decode(String?.self), userId: try r[6].decode(String?.self), username: try r[7].decode(String?.self),
            callsign: try r[8].decode(String?.self), virtualOrganization: try r[9].decode(String?.self),
            airport: try r[10].decode(String?.self), frequencyId: try r[11].decode(String?.self),
            data: try RowCoding.decodeEventData(try r[12].decode(String.self)))
    }

    // MARK: - Deliveries

    static let delivery = """
        id, event_id, subscription_id, sequence, ordering_key, status, attempts, next_attempt_at, \
        lease_until, last_error, last_status_code, created_at, completed_at
        """

    /// A delivery from a row selected with ``delivery``; an unknown status is ``StoreError/Code/unavailable``.
    static func decodeDelivery(_ r: PostgresRandomAccessRow) throws -> Delivery {
        guard let status = DeliveryStatus(rawValue: try r[5].decode(String.self)) else {
            throw StoreError(.unavailable, "delivery row has an unknown status")
        }
        return Delivery(
            id: try r[0].decode(String.self), eventId: try r[1].decode(String.self), subscriptionId: try r[2].decode(String.self),
            sequence: try r[3].decode(Int64.self), orderingKey: try r[4].decode(String.self), status: status,
            attempts: try r[6].decode(Int.self), nextAttemptAt: try r[7].decode(PostgresTimestamp.self).date,
            leaseUntil: try r[8].decode(PostgresTimestamp?.self)?.date, lastError: try r[9].decode(String?.self),
            lastStatusCode: try r[10].decode(Int?.self), createdAt: try r[11].decode(PostgresTimestamp.self).date,
            completedAt: try r[12].decode(PostgresTimestamp?.self)?.date)
    }

    static let attempt = "delivery_id, attempt, at, status_code, latency_ms, response_snippet, error"
    static let attemptCasts = ["text", "integer", "timestamptz", "integer", "integer", "text", "text"]

    /// Binds an attempt as ``RowCoding/storable(_:)`` makes it, in ``attempt``'s order.
    static func bindAttempt(_ attempt: DeliveryAttempt, into binds: inout PostgresBindings) {
        let a = RowCoding.storable(attempt)
        binds.append(a.deliveryId)
        binds.append(Int32(clamping: a.attempt))
        binds.append(a.at.pg)
        binds.append(a.statusCode.map { Int32(clamping: $0) })
        binds.append(Int32(clamping: a.latencyMs))
        binds.append(a.responseSnippet)
        binds.append(a.error)
    }

    static func decodeAttempt(_ r: PostgresRandomAccessRow) throws -> DeliveryAttempt {
        DeliveryAttempt(deliveryId: try r[0].decode(String.self), attempt: try r[1].decode(Int.self),
                        at: try r[2].decode(PostgresTimestamp.self).date, statusCode: try r[3].decode(Int?.self),
                        latencyMs: try r[4].decode(Int.self), responseSnippet: try r[5].decode(String?.self), error: try r[6].decode(String?.self))
    }

    // MARK: - VALUES lists

    /// `($1::t1, $2::t2, …), (…)` for `rows` rows of `casts.count` columns, numbering from `start`.
    static func valuesList(rows: Int, casts: [String], start: Int = 1) -> String {
        var text = ""
        text.reserveCapacity(rows * casts.count * 12)
        var n = start
        for row in 0..<rows {
            if row > 0 { text += ", " }
            text += "("
            for (i, cast) in casts.enumerated() {
                if i > 0 { text += ", " }
                text += "$\(n)::\(cast)"
                n += 1
            }
            text += ")"
        }
        return text
    }

    /// Rows per multi-row statement: well under PostgreSQL's 65,535 parameters for any table here.
    static let rowsPerStatement = 1_000
}
