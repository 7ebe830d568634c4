import Foundation

/// The subset of TOML that `config/squawk.example.toml` uses: `[section]` headers, `key = value`
/// lines, comments, and values that are strings ("…" with \" \\ \n \t escapes), integers,
/// floats, booleans and one-line arrays of those. Enough for a flat configuration file without
/// a dependency; anything else is an error naming the line.
enum TOMLLite {
    enum Value: Sendable, Equatable {
        case string(String), integer(Int), float(Double), bool(Bool), array([Value])
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    /// `section.key` → value (keys before any section have no prefix).
    static func parse(_ text: String) throws(ParseError) -> [String: Value] {
        var out: [String: Value] = [:]
        var section = ""
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = stripComment(String(raw)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), !line.hasPrefix("[[") else { throw ParseError(line: n + 1, message: "bad section header") }
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                guard isBareKey(section, dots: true) else { throw ParseError(line: n + 1, message: "bad section name '\(section)'") }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { throw ParseError(line: n + 1, message: "expected key = value") }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard isBareKey(key, dots: false) else { throw ParseError(line: n + 1, message: "bad key '\(key)'") }
            var rest = Substring(line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces))
            let value: Value
            do { value = try parseValue(&rest) } catch { throw ParseError(line: n + 1, message: error.message) }
            guard rest.allSatisfy(\.isWhitespace) else { throw ParseError(line: n + 1, message: "unexpected text after the value") }
            let full = section.isEmpty ? key : section + "." + key
            guard out[full] == nil else { throw ParseError(line: n + 1, message: "'\(full)' is set twice") }
            out[full] = value
        }
        return out
    }

    private struct ValueError: Error { var message: String }

    private static func isBareKey(_ s: String, dots: Bool) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || (dots && $0 == ".")) }
    }

    /// The line without a `#` comment (a `#` inside a string is kept).
    private static func stripComment(_ line: String) -> String {
        var inString = false, escaped = false
        for (i, c) in zip(line.indices, line) {
            if escaped { escaped = false; continue }
            if c == "\\" && inString { escaped = true; continue }
            if c == "\"" { inString.toggle() }
            if c == "#" && !inString { return String(line[..<i]) }
        }
        return line
    }

    private static func parseValue(_ s: inout Substring) throws(ValueError) -> Value {
        s = s.drop(while: \.isWhitespace)
        guard let first = s.first else { throw ValueError(message: "missing value") }
        if first == "\"" {
            s = s.dropFirst()
            var out = ""
            while let c = s.first {
                s = s.dropFirst()
                if c == "\"" { return .string(out) }
                if c == "\\" {
                    guard let e = s.first else { break }
                    s = s.dropFirst()
                    switch e {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "\"": out.append("\"")
                    case "\\": out.append("\\")
                    default: throw ValueError(message: "unknown escape \\\(e)")
                    }
                } else {
                    out.append(c)
                }
            }
            throw ValueError(message: "unterminated string")
        }
        if first == "[" {
            s = s.dropFirst()
            var items: [Value] = []
            while true {
                s = s.drop(while: \.isWhitespace)
                if s.first == "]" { s = s.dropFirst(); return .array(items) }
                items.append(try parseValue(&s))
                s = s.drop(while: \.isWhitespace)
                if s.first == "," { s = s.dropFirst(); continue }
                if s.first == "]" { s = s.dropFirst(); return .array(items) }
                throw ValueError(message: "expected , or ] in array")
            }
        }
        let token = s.prefix { !$0.isWhitespace && $0 != "," && $0 != "]" }
        s = s.dropFirst(token.count)
        let t = token.replacingOccurrences(of: "_", with: "")
        if token == "true" { return .bool(true) }
        if token == "false" { return .bool(false) }
        if let i = Int(t) { return .integer(i) }
        if let d = Double(t), d.isFinite { return .float(d) }
        throw ValueError(message: "cannot read value '\(token)' (strings need quotes)")
    }
}
