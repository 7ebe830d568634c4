import Foundation
import SquawkStore

/// A PostgreSQL connection URL, `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?OPTIONS]`
/// (`postgresql://` too), parsed without echoing it: the password never appears in an error, a
/// log line or ``redacted``.
///
/// Options: `sslmode` (`disable`, `prefer` — the default — or `require`), `schema` (the schema
/// Squawk creates and uses; default: the server's `search_path`), `application_name`, and
/// `host` (a directory holding the server's unix socket, instead of TCP).
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Hashable { case disable, prefer, require }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode
    public var schema: String?
    public var applicationName: String
    /// A directory with the server's unix socket (`?host=/run/postgresql`), nil for TCP.
    public var socketDirectory: String?

    /// Whether `text` names a PostgreSQL database (its scheme), whether or not it is valid.
    public static func isPostgres(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// Parses `text`; errors name the part at fault, never the URL's text.
    public init(_ text: String) throws {
        guard Self.isPostgres(text), let components = URLComponents(string: text) else {
            throw StoreError(.unavailable, "store URL: not a postgres://user:password@host:port/database URL")
        }
        guard let user = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw StoreError(.unavailable, "store URL: no user name (postgres://USER:PASSWORD@HOST/DATABASE)")
        }
        self.user = user
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        host = components.host ?? ""
        if let port = components.port {
            guard (1...65_535).contains(port) else { throw StoreError(.unavailable, "store URL: the port must be 1–65535") }
            self.port = port
        } else {
            port = 5432
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.removingPercentEncoding ?? path
        guard !database.isEmpty, !database.contains("/") else {
            throw StoreError(.unavailable, "store URL: no database name (postgres://USER:PASSWORD@HOST/DATABASE)")
        }
        tls = .prefer
        applicationName = "squawk"
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                switch value {
                case "disable", "allow": tls = .disable
                case "prefer": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default: throw StoreError(.unavailable, "store URL: sslmode must be disable, prefer or require")
                }
            case "schema", "search_path":
                guard Self.isIdentifier(value) else {
                    throw StoreError(.unavailable, "store URL: schema must be a plain identifier (letters, digits, _; at most 63)")
                }
                schema = value
            case "application_name":
                applicationName = value
            case "host":
                guard value.hasPrefix("/") else { throw StoreError(.unavailable, "store URL: host= must be a socket directory") }
                socketDirectory = value
            default:
                throw StoreError(.unavailable, "store URL: unknown option '\(item.name)' (sslmode, schema, application_name, host)")
            }
        }
        guard !host.isEmpty || socketDirectory != nil else {
            throw StoreError(.unavailable, "store URL: no host (postgres://USER:PASSWORD@HOST/DATABASE)")
        }
    }

    /// The URL with its password replaced by `***`, safe for logs and banners.
    public var redacted: String {
        var text = "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
        var options: [String] = []
        if tls != .prefer { options.append("sslmode=\(tls.rawValue)") }
        if let schema { options.append("schema=\(schema)") }
        if let socketDirectory { options.append("host=\(socketDirectory)") }
        if !options.isEmpty { text += "?" + options.joined(separator: "&") }
        return text
    }

    public var description: String { redacted }

    /// `text` with the password of a postgres URL masked (anything else unchanged), for showing
    /// configuration without parsing it fully.
    public static func redact(_ text: String) -> String {
        guard isPostgres(text), let scheme = text.range(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return text }
        let userInfo = rest[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(rest[at...])
    }

    /// A SQL identifier that needs no quoting: `[a-z_][a-z0-9_]*`, at most 63 characters.
    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.unicodeScalars.count <= 63,
              first == "_" || ("a"..."z").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }
}
