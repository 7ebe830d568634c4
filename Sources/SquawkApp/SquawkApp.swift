import SquawkHTTP
import SquawkSQLite

/// Configuration and the one composition root that names concrete types.
public enum SquawkApp {
    public static var version: String { SquawkVersion.string }

    /// Process-wide settings made before anything else runs (the executable calls it first, while
    /// it has one thread): SQLite's (``SQLiteStore/configureProcess()``).
    public static func prepareProcess() {
        SQLiteStore.configureProcess()
    }
}
