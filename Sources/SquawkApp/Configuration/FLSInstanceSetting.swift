import Foundation

/// One `fls.instances` entry, `NAME=URL` with the login in the URL's user part
/// (`club=https://user:password@fls.example.org`; percent-encode `@`, `:` or `/` in them).
/// Problems are reported by entry number and name, never by echoing the URL (it holds a
/// password).
public struct FLSInstanceSetting: Sendable, Hashable {
    public var name: String
    /// Scheme, host, port and path, without the login.
    public var baseURL: String
    public var username: String
    public var password: String

    /// The entry parsed, or a description of what is wrong with it.
    public static func parse(_ entry: String) -> Result<FLSInstanceSetting, SettingProblem> {
        guard let eq = entry.firstIndex(of: "=") else { return .failure(.init("is not NAME=URL")) }
        let name = entry[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
        let url = entry[entry.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 32,
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-_".unicodeScalars.contains($0) })
        else { return .failure(.init("name must be 1–32 letters, digits, '-' or '_'")) }
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = c.host, !host.isEmpty
        else { return .failure(.init("'\(name)': the URL must be http(s)://user:password@host[/path]")) }
        guard let user = c.percentEncodedUser?.removingPercentEncoding, !user.isEmpty,
              let password = c.percentEncodedPassword?.removingPercentEncoding, !password.isEmpty
        else { return .failure(.init("'\(name)': the URL must carry the FLS login as user:password@")) }
        guard c.query == nil, c.fragment == nil else { return .failure(.init("'\(name)': the URL takes no query or fragment")) }
        var base = "\(scheme)://\(c.percentEncodedHost ?? host)"
        if let port = c.port { base += ":\(port)" }
        var path = c.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        base += path
        return .success(FLSInstanceSetting(name: name, baseURL: base, username: user, password: password))
    }

    /// The first problem of a list of entries (including a name used twice), or nil.
    public static func problem(_ entries: [String]) -> String? {
        var names: Set<String> = []
        for (i, entry) in entries.enumerated() {
            switch parse(entry) {
            case .failure(let p): return "entry \(i + 1) \(p.message)"
            case .success(let s):
                guard names.insert(s.name).inserted else { return "entry \(i + 1): the name '\(s.name)' is used twice" }
            }
        }
        return nil
    }

    /// Every entry; call after ``problem(_:)`` said nil.
    public static func all(_ entries: [String]) -> [FLSInstanceSetting] {
        entries.compactMap { try? parse($0).get() }
    }
}

/// Why a setting is invalid (no secret in it).
public struct SettingProblem: Error, Sendable, Hashable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
