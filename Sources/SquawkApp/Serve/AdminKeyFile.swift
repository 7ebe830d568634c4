import Foundation
import SquawkCore

/// The admin key of a service started without `api.admin_key`: generated once into
/// `<data>/admin.key` (mode 0600) and read back on later starts, so the key printed at start stays
/// valid across restarts and never has to be configured for a local demo.
enum AdminKeyFile {
    static func loadOrCreate(directory: String) throws -> (key: String, created: Bool) {
        let path = (directory as NSString).appendingPathComponent("admin.key")
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if key.hasPrefix("sqk_"), key.count >= 20 { return (key, false) }
        }
        var rng = SystemRandomNumberGenerator()
        let key = Identifiers.apiKey(using: &rng)
        let created = FileManager.default.createFile(atPath: path, contents: Data((key + "\n").utf8),
                                                     attributes: [.posixPermissions: 0o600])
        guard created else { throw ConfigurationError(key: "api.admin_key", "cannot write \(path); set api.admin_key instead") }
        return (key, true)
    }
}
