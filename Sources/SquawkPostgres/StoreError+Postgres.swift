import PostgresNIO
import SquawkStore

extension StoreError {
    /// Maps anything PostgresNIO throws to the store's stable codes: unique violations are
    /// ``StoreError/Code/conflict``, other integrity and data errors (CHECK, NOT NULL, foreign
    /// key, value too long; SQLSTATE classes 23 and 22) ``StoreError/Code/constraint``, anything
    /// else ``StoreError/Code/unavailable``. The message is the server's primary message (it
    /// names the constraint, never the values) or the client's error code; never the detail
    /// field, the query's binds or the connection settings, so values and passwords cannot leak.
    init(postgres error: any Error) {
        if let error = error as? StoreError {
            self = error
            return
        }
        if let transaction = error as? PostgresTransactionError,
           let cause = transaction.closureError ?? transaction.commitError ?? transaction.beginError {
            self.init(postgres: cause)
            return
        }
        guard let error = error as? PSQLError else {
            self.init(.unavailable, "PostgreSQL: \(type(of: error))")
            return
        }
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else {
            self.init(.unavailable, "PostgreSQL unavailable (\(error.code))")
            return
        }
        let message = error.serverInfo?[.message] ?? "error"
        if state == "23505" {
            self.init(.conflict, message)
        } else if state.hasPrefix("23") || state.hasPrefix("22") {
            self.init(.constraint, message)
        } else {
            self.init(.unavailable, "PostgreSQL error \(state): \(message)")
        }
    }

    /// SQLSTATE of a server error worth retrying the whole transaction for: a deadlock the server
    /// broke (40P01) or a serialization failure (40001).
    static func isRetryable(_ error: any Error) -> Bool {
        let state = (error as? PSQLError)?.serverInfo?[.sqlState]
            ?? ((error as? PostgresTransactionError)?.closureError as? PSQLError)?.serverInfo?[.sqlState]
            ?? ((error as? PostgresTransactionError)?.commitError as? PSQLError)?.serverInfo?[.sqlState]
        return state == "40P01" || state == "40001"
    }
}
