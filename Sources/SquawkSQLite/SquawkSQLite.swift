import GRDB
import SquawkStore

/// The SQLite backend (GRDB `DatabasePool`, WAL, append-only migrations).
/// Filled by the subscriptions issue.
public enum SquawkSQLite {}
