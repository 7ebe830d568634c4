import Foundation
import GRDB
import SquawkCore
import SquawkStore

/// The mapping between ``FlightEvent`` values and rows of the `events` table, by hand: one column
/// list, one argument list, one decoder. The subject fields are columns; `data` is a JSON object.
enum EventColumns {
    /// The columns of a ``FlightEvent``, in the order ``decode(_:)`` reads them.
    static let list = """
        id, type, at, server_id, server_name, flight_id, user_id, username, callsign, \
        virtual_organization, airport, frequency_id, data
        """
    /// Inserts an event: ``list`` plus `created_at`, bound by ``arguments(_:data:createdAt:)``.
    static let insertSQL = "INSERT INTO events (\(list), created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    // MARK: - Encoding

    /// Statement arguments for ``insertSQL``; `data` is the output of ``RowCoding/encodeEventData(_:)``.
    static func arguments(_ e: FlightEvent, data: String, createdAt: Date) -> StatementArguments {
        [
            e.id, e.type.rawValue, e.at.timeIntervalSince1970, e.server?.id, e.server?.name, e.flightId, e.userId,
            e.username, e.callsign, e.virtualOrganization, e.airport, e.frequencyId, data, createdAt.timeIntervalSince1970,
        ]
    }

    // MARK: - Decoding

    /// An event from a row selected with ``list``. An unknown type (a newer build's event read by
    /// an older one) or unreadable data is ``StoreError/Code/unavailable``.
    static func decode(_ row: some ColumnReader) throws -> FlightEvent {
        guard let type = EventType(rawValue: row.text(1)) else {
            throw StoreError(.unavailable, "event row has an unknown type")
        }
        let serverId = row.optionalText(3), serverName = row.optionalText(4)
        return FlightEvent(
            id: row.text(0), type: type, at: Date(timeIntervalSince1970: row.real(2)),
            server: serverId.flatMap { id in serverName.map { ServerRef(id: id, name: $0) } },
            flightId: row.optionalText(5), userId: row.optionalText(6), username: row.optionalText(7), callsign: row.optionalText(8),
            virtualOrganization: row.optionalText(9), airport: row.optionalText(10), frequencyId: row.optionalText(11),
            data: try RowCoding.decodeEventData(row.text(12)))
    }

}
