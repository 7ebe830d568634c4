import SquawkHTTP

/// Configuration and the one composition root that names concrete types.
public enum SquawkApp {
    public static var version: String { SquawkVersion.string }
}
