import Configuration
import Foundation
import TOMLKit

/// Where Squawk's configuration comes from, through swift-configuration's providers: the TOML
/// file (read with TOMLKit into an `InMemoryProvider`), `SQUAWK_*` environment variables and
/// command-line flags (each an `EnvironmentVariablesProvider`, whose text parsing of numbers and
/// comma-separated lists they share), over the defaults of ``SquawkConfiguration``.
///
/// The precedence walk is Squawk's own rather than `ConfigReader`'s, for two things the reader
/// does not give: a value of the wrong type is an error naming the key and where it came from
/// (the reader's getters fall back to the default silently), and every key's source is known
/// for `squawk config check`. Unknown keys in the file and in flags are errors (a typo must not
/// be silently ignored); environment variables that name no key are left alone.
extension SquawkConfiguration {
    /// Where a key's value came from.
    public enum Source: String, Sendable, Hashable {
        case defaults = "default", file, environment, flag
    }

    /// The configuration with each key's source.
    public struct Loaded: Sendable {
        public var configuration: SquawkConfiguration
        public var sources: [String: Source]
    }

    /// The default file, read when no `--config` is given and it exists.
    public static let defaultFile = "config/squawk.toml"

    /// Defaults → file → environment → flags. A named file that is missing is an error.
    public static func load(file: String?, environment: [String: String], flags: [(String, String)]) throws(ConfigurationError) -> SquawkConfiguration {
        try loadWithSources(file: file, environment: environment, flags: flags).configuration
    }

    /// ``load(file:environment:flags:)``, telling where each key's value came from.
    public static func loadWithSources(file: String?, environment: [String: String], flags: [(String, String)]) throws(ConfigurationError) -> Loaded {
        var layers: [Layer] = [try flagLayer(flags), environmentLayer(environment)]
        let path = file ?? environment["SQUAWK_CONFIG"] ?? (FileManager.default.fileExists(atPath: defaultFile) ? defaultFile : nil)
        if let path {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError(key: nil, "cannot read the configuration file \(path)")
            }
            layers.append(try fileLayer(toml: text, source: path))
        }
        var c = SquawkConfiguration()
        let sources = try c.apply(layers)
        return Loaded(configuration: c, sources: sources)
    }

    /// Applies a TOML document alone (keys it does not name keep their values).
    public mutating func apply(toml text: String, source: String) throws(ConfigurationError) {
        _ = try apply([Self.fileLayer(toml: text, source: source)])
    }

    /// Sets one key from command-line text, as a flag would.
    public mutating func set(_ name: String, _ raw: String) throws(ConfigurationError) {
        _ = try apply([Self.flagLayer([(name, raw)])])
    }

    // MARK: - Layers

    /// One provider and how to name it in messages.
    struct Layer {
        var source: Source
        var origin: (Key) -> String
        var provider: any ConfigProvider
    }

    /// For every key, the first layer that has a value wins; returns the sources of the keys set.
    mutating func apply(_ layers: [Layer]) throws(ConfigurationError) -> [String: Source] {
        var sources: [String: Source] = [:]
        for key in Self.keys {
            let absolute = AbsoluteConfigKey(key.name.split(separator: ".").map(String.init))
            for layer in layers {
                let found: ConfigValue?
                do {
                    found = try layer.provider.value(forKey: absolute, type: key.type).value
                } catch {
                    throw Key.mismatch(key.name, Self.expected(key.type), from: layer.origin(key))
                }
                guard let found else { continue }
                do {
                    try key.set(&self, found.content)
                } catch {
                    throw ConfigurationError(key: key.name, error.message + " (from \(layer.origin(key)))")
                }
                sources[key.name] = layer.source
                break
            }
        }
        return sources
    }

    static func expected(_ type: ConfigType) -> String {
        switch type {
        case .int: "an integer"
        case .double: "a number"
        case .bool: "true or false"
        case .stringArray: "a list of strings"
        case .doubleArray: "a list of numbers"
        default: "a string"
        }
    }

    /// `SQUAWK_SERVER_PORT` for `server.port`: the environment provider under a `squawk` prefix.
    static func prefixed(_ provider: EnvironmentVariablesProvider) -> some ConfigProvider {
        KeyMappingProvider(upstream: provider) { $0.prepending(["squawk"]) }
    }

    static func environmentLayer(_ environment: [String: String]) -> Layer {
        let ours = environment.filter { $0.key.hasPrefix("SQUAWK_") }.mapValues(unwrapTOMLLiteral)
        return Layer(source: .environment, origin: { $0.environmentName },
                     provider: prefixed(EnvironmentVariablesProvider(environmentVariables: ours)))
    }

    /// Flags are text like environment variables, under their key's name; an unknown name is an error.
    static func flagLayer(_ flags: [(String, String)]) throws(ConfigurationError) -> Layer {
        var variables: [String: String] = [:]
        for (name, raw) in flags {
            guard let key = keys.first(where: { $0.name == name }) else { throw ConfigurationError(key: name, "unknown key '\(name)'") }
            variables[key.environmentName] = unwrapTOMLLiteral(raw)
        }
        return Layer(source: .flag, origin: { "--\($0.name)" }, provider: prefixed(EnvironmentVariablesProvider(environmentVariables: variables)))
    }

    /// Text that is a TOML literal (`"quoted"`, `[1, 2]`, `["a", "b"]`) as the provider's plain
    /// form (`quoted`, `1,2`, `a,b`); anything else unchanged. Older releases read environment
    /// values as TOML, so both spellings keep working.
    static func unwrapTOMLLiteral(_ raw: String) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("\"") || trimmed.hasPrefix("'") || trimmed.hasPrefix("["),
              let table = try? TOMLTable(string: "v = " + trimmed), let value = table["v"] else { return raw }
        if let s = value.string { return s }
        if let array = value.array {
            return array.map { item in item.string ?? item.int.map(String.init) ?? item.double.map { String($0) } ?? "" }.joined(separator: ",")
        }
        return raw
    }

    /// The file's keys, each converted to its key's type (a TOML integer where a number is
    /// expected, a single string where a list is), as an in-memory provider.
    static func fileLayer(toml text: String, source: String) throws(ConfigurationError) -> Layer {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw ConfigurationError(key: nil, "\(source): line \(error.source.begin.line): \(error.description)")
        } catch {
            throw ConfigurationError(key: nil, "\(source): \(error)")
        }
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (name, value) in flatten(table).sorted(by: { $0.key < $1.key }) {
            guard let key = keys.first(where: { $0.name == name }) else {
                throw ConfigurationError(key: name, "\(source): unknown key '\(name)'")
            }
            guard let content = content(value, as: key.type) else { throw Key.mismatch(name, expected(key.type), from: source) }
            values[AbsoluteConfigKey(name.split(separator: ".").map(String.init))] = ConfigValue(content, isSecret: key.secret)
        }
        return Layer(source: .file, origin: { _ in source }, provider: InMemoryProvider(name: source, values: values))
    }

    /// `section.key` → value, for every leaf of the document.
    static func flatten(_ table: TOMLTable, prefix: String = "") -> [String: any TOMLValueConvertible] {
        var out: [String: any TOMLValueConvertible] = [:]
        for (key, value) in table {
            let name = prefix.isEmpty ? key : prefix + "." + key
            if let inner = value.table { out.merge(flatten(inner, prefix: name)) { $1 } } else { out[name] = value }
        }
        return out
    }

    static func content(_ value: any TOMLValueConvertible, as type: ConfigType) -> ConfigContent? {
        func number(_ v: any TOMLValueConvertible) -> Double? { v.double ?? v.int.map(Double.init) }
        switch type {
        case .string:
            return (value.string ?? value.int.map(String.init)).map(ConfigContent.string)
        case .int:
            return value.int.map(ConfigContent.int)
        case .double:
            return number(value).map(ConfigContent.double)
        case .bool:
            return value.bool.map(ConfigContent.bool)
        case .stringArray:
            if let s = value.string { return .stringArray(s.isEmpty ? [] : [s]) }
            guard let array = value.array else { return nil }
            let items = array.map(\.string)
            return items.contains(nil) ? nil : .stringArray(items.compactMap { $0 })
        case .doubleArray:
            if let d = number(value) { return .doubleArray([d]) }
            guard let array = value.array else { return nil }
            let items = array.map(number)
            return items.contains(nil) ? nil : .doubleArray(items.compactMap { $0 })
        default:
            return nil
        }
    }
}

extension SquawkConfiguration.Key {
    static func mismatch(_ name: String, _ expected: String, from origin: String? = nil) -> ConfigurationError {
        ConfigurationError(key: name, "\(name): expected \(expected)" + (origin.map { " (from \($0))" } ?? ""))
    }
}
