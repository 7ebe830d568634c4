import GRDB
import SquawkStore

extension StoreError {
    /// Maps a SQLite error to the store's stable codes: unique/primary-key violations are
    /// ``StoreError/Code/conflict``, other constraint failures (CHECK, NOT NULL, foreign key)
    /// ``StoreError/Code/constraint``, anything else ``StoreError/Code/unavailable``.
    /// The message is SQLite's own (it names the constraint, never the values); statement
    /// arguments are never included, so secrets cannot leak through errors.
    init(_ error: DatabaseError) {
        let message = error.message ?? "SQLite error \(error.extendedResultCode.rawValue)"
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            self.init(.conflict, message)
        default:
            if error.resultCode == .SQLITE_CONSTRAINT {
                self.init(.constraint, message)
            } else {
                self.init(.unavailable, "SQLite error \(error.resultCode.rawValue): \(message)")
            }
        }
    }
}
