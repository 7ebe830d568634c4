import Foundation
import PostgresNIO

/// A `Date` as a `timestamptz`, rounded to the microsecond (PostgresNIO's own `Date` coding
/// truncates, so a date on a whole millisecond could come back a microsecond early).
///
/// Decoding builds the date from whole microseconds since 1970, so any date on a whole
/// millisecond (what the contract suites use) round-trips exactly. Dates beyond the range
/// PostgreSQL keeps are clamped rather than trapping; the server then refuses them.
struct PostgresTimestamp: PostgresNonThrowingEncodable, PostgresDecodable, Sendable {
    var date: Date

    init(_ date: Date) { self.date = date }

    /// Microseconds between 1970-01-01 and PostgreSQL's epoch, 2000-01-01.
    static let epochOffset: Int64 = 946_684_800_000_000

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let clamped = micros.isNaN ? 0 : min(max(micros, -9.0e18), 9.0e18)
        byteBuffer.writeInteger(Int64(clamped) - Self.epochOffset)
    }

    init<JSONDecoder: PostgresJSONDecoder>(from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
                                           context: PostgresDecodingContext<JSONDecoder>) throws {
        guard type == .timestamptz || type == .timestamp, format == .binary, buffer.readableBytes == 8,
              let micros = buffer.readInteger(as: Int64.self) else {
            throw PostgresDecodingError.Code.typeMismatch
        }
        let (sum, overflow) = micros.addingReportingOverflow(Self.epochOffset)
        date = overflow ? (micros < 0 ? .distantPast : .distantFuture) : Date(timeIntervalSince1970: Double(sum) / 1_000_000)
    }
}

extension Date {
    /// This date as a `timestamptz` bind.
    var pg: PostgresTimestamp { PostgresTimestamp(self) }
}
