import GRDB
import GRDBSQLite

/// A statement of the outbox's hot path, bound, stepped and read through SQLite's C API.
///
/// GRDB prepares and caches it (`Database.cachedStatement(sql:)`); only execution bypasses
/// GRDB. For the per-delivery statements of a claim or an acknowledgement (one row in, one row
/// out), GRDB's argument boxing (`StatementArguments`), generic row decoding and per-statement
/// bookkeeping cost more CPU than SQLite's own work: in a `perf` profile of the drain, the
/// single writer thread spent about half its time there. These statements run inside a
/// transaction GRDB opened (``SQLiteStore/write(_:)``) and are never `BEGIN`/`COMMIT`, so the
/// bookkeeping skipped (transaction observers) has nothing to see.
struct DirectStatement {
    private let handle: SQLiteStatement
    private let db: Database
    private let sql: String

    init(_ db: Database, sql: String) throws {
        self.db = db
        self.sql = sql
        handle = try db.cachedStatement(sql: sql).sqliteStatement
    }

    /// A value to bind.
    enum Value {
        case text(String)
        case real(Double)
        case integer(Int64)
        case null

        static func text(_ s: String?) -> Value { s.map(Value.text) ?? .null }
        static func real(_ d: Double?) -> Value { d.map(Value.real) ?? .null }
        static func integer(_ i: Int?) -> Value { i.map { .integer(Int64($0)) } ?? .null }
    }

    /// Binds `values` to the parameters in order, steps to the end calling `row` for each result
    /// row, and resets the statement (bindings cleared) whatever happens.
    func run(_ values: [Value], row: (Columns) throws -> Void = { _ in }) throws {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .text(let s):
                var s = s
                code = s.withUTF8 { sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
            case .real(let d): code = sqlite3_bind_double(handle, index, d)
            case .integer(let i): code = sqlite3_bind_int64(handle, index, i)
            case .null: code = sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw error(code) }
        }
        let columns = Columns(handle: handle)
        while true {
            switch sqlite3_step(handle) {
            case SQLITE_ROW: try row(columns)
            case SQLITE_DONE: return
            case let code: throw error(code)
            }
        }
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
    }

    /// SQLite copies a bound value before `sqlite3_bind_*` returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// The current result row (0-based columns).
    struct Columns: ColumnReader {
        fileprivate let handle: SQLiteStatement

        func isNull(_ i: Int) -> Bool { sqlite3_column_type(handle, Int32(i)) == SQLITE_NULL }
        func text(_ i: Int) -> String {
            guard let bytes = sqlite3_column_text(handle, Int32(i)) else { return "" }
            return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, Int32(i)))), as: UTF8.self)
        }
        func real(_ i: Int) -> Double { sqlite3_column_double(handle, Int32(i)) }
        func integer(_ i: Int) -> Int64 { sqlite3_column_int64(handle, Int32(i)) }
    }
}

/// Reading a result row's columns by position, from GRDB's `Row` or a ``DirectStatement``, so
/// one decoder serves both.
protocol ColumnReader {
    func isNull(_ i: Int) -> Bool
    func text(_ i: Int) -> String
    func real(_ i: Int) -> Double
    func integer(_ i: Int) -> Int64
}

extension ColumnReader {
    func optionalText(_ i: Int) -> String? { isNull(i) ? nil : text(i) }
    func optionalReal(_ i: Int) -> Double? { isNull(i) ? nil : real(i) }
    func optionalInt(_ i: Int) -> Int? { isNull(i) ? nil : Int(integer(i)) }
}

extension Row: ColumnReader {
    func isNull(_ i: Int) -> Bool { hasNull(atIndex: i) }
    func text(_ i: Int) -> String { self[i] }
    func real(_ i: Int) -> Double { self[i] }
    func integer(_ i: Int) -> Int64 { self[i] }
}
