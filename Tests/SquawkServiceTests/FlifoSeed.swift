import Foundation
import SquawkCore

/// The sample payloads of the FLIFO seed (contracts/flifo/flightrecord-v3.txt, a verbatim copy
/// of seed 004), and a field-by-field comparison of Squawk's payloads with them.
///
/// The document's JSON is not strictly valid — curly quotes, missing commas between members —
/// so the samples are read tolerantly: every balanced `{…}` block is taken, its quotes
/// straightened, a comma put between a value that ends a line and a key that starts the next,
/// and the blocks that then parse as JSON objects are the samples (path templates such as
/// `{airport}` do not).
struct FlifoSeed {
    /// Every sample, in document order.
    let samples: [JSONValue]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../contracts/flifo/flightrecord-v3.txt").standardized

    static func load() throws -> FlifoSeed {
        try FlifoSeed(text: String(contentsOf: url, encoding: .utf8))
    }

    init(text: String) {
        let straight = text.replacingOccurrences(of: "\u{201C}", with: "\"").replacingOccurrences(of: "\u{201D}", with: "\"")
        samples = Self.blocks(straight).compactMap { block in
            guard let v = try? JSONValue.parse(Array(Self.addMissingCommas(block).utf8)), case .object = v else { return nil }
            return v
        }
    }

    /// The success sample (the one with a `flightRecord`).
    var response: JSONValue? { samples.first { $0.member("flightRecord") != nil } }

    /// The error samples' items, by their `code` as text ("2027", "9999", …).
    var errors: [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for s in samples {
            guard case .array(let items)? = s.member("errors")?.member("error"), let item = items.first,
                  let code = item.member("code") else { continue }
            switch code {
            case .string(let c): out[c] = item
            case .number(let n): out[String(Int(n))] = item
            default: continue
            }
        }
        return out
    }

    /// Balanced top-level `{…}` blocks, braces inside strings ignored.
    static func blocks(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var depth = 0, inString = false, escaped = false
        for ch in text {
            if depth == 0 {
                guard ch == "{" else { continue }
                current = "{"
                depth = 1
                continue
            }
            current.append(ch)
            if inString {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { inString = false }
                continue
            }
            switch ch {
            case "\"": inString = true
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { out.append(current) }
            default: break
            }
        }
        return out
    }

    /// `"code": 2027⏎ "notifyEndpoint": …` → `"code": 2027,⏎ "notifyEndpoint": …`.
    static func addMissingCommas(_ block: String) -> String {
        let regex = try! NSRegularExpression(pattern: #"(["0-9\]}el])([ \t]*\n[ \t]*")"#)
        let range = NSRange(block.startIndex..., in: block)
        return regex.stringByReplacingMatches(in: block, range: range, withTemplate: "$1,$2")
    }
}

// MARK: - Comparing shapes

/// What differs between one of Squawk's payloads and the seed's sample of the same kind.
struct ShapeCheck {
    /// Paths (`flightRecord[].actual`) Squawk may write although the sample lacks them.
    var additions: Set<String> = []
    /// Whether `null` may appear (error payloads: the seed's 9999 has `"notifyEndpoint": null`).
    var allowNull = false
    private(set) var problems: [String] = []
    /// Every path Squawk wrote.
    private(set) var written: Set<String> = []

    init(additions: Set<String> = [], allowNull: Bool = false) {
        self.additions = additions
        self.allowNull = allowNull
    }

    /// Compares `ours` with `seed` member by member: same names (or a listed addition), same
    /// nesting, same JSON types, times and dates in the seed's format; no `null` and no `""`
    /// (FLIFO omits what it does not know).
    mutating func compare(_ ours: JSONValue, with seed: JSONValue, at path: String = "") {
        switch (ours, seed) {
        case (.object(let o), .object(let s)):
            for (key, value) in o {
                let p = path.isEmpty ? key : "\(path).\(key)"
                written.insert(p)
                if let expected = s[key] {
                    compare(value, with: expected, at: p)
                } else if !additions.contains(p) {
                    problems.append("\(p): not in the seed's sample and not a documented addition")
                } else {
                    checkValue(value, at: p)
                }
            }
        case (.array(let o), .array(let s)):
            guard let first = s.first else { return }
            for item in o { compare(item, with: first, at: path + "[]") }
        case (.string(let a), .string(let b)):
            if a.isEmpty { problems.append("\(path): empty string (the seed omits unknown fields)") }
            if Self.isTime(b), Self.pattern(a) != Self.pattern(b) {
                problems.append("\(path): \(a) is not in the seed's format (\(b))")
            }
        case (.number, .number), (.bool, .bool): break
        case (.null, _) where allowNull: break
        case (.null, _): problems.append("\(path): null (the seed omits unknown fields)")
        default: problems.append("\(path): \(Self.kind(ours)) where the seed has \(Self.kind(seed))")
        }
    }

    /// An addition's value: no `null`, no `""`, times in the seed's time format.
    private mutating func checkValue(_ v: JSONValue, at path: String) {
        switch v {
        case .null where !allowNull: problems.append("\(path): null")
        case .string(let s) where s.isEmpty: problems.append("\(path): empty string")
        case .string(let s) where Self.isTime(s) && Self.pattern(s) != "9999-99-99T99:99:99+9999":
            problems.append("\(path): \(s) is not in the seed's time format")
        default: break
        }
    }

    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Digits as 9 and the offset's sign as +: `2018-11-20T09:15:00-0800` → `9999-99-99T99:99:99+9999`.
    static func pattern(_ s: String) -> String {
        s.replacingOccurrences(of: "[0-9]", with: "9", options: .regularExpression)
            .replacingOccurrences(of: #"(T99:99:99)[-+](9999)$"#, with: "$1+$2", options: .regularExpression)
    }

    static func isTime(_ s: String) -> Bool {
        s.range(of: #"^\d{4}-\d{2}-\d{2}(T|$)"#, options: .regularExpression) != nil
    }
}

extension JSONValue {
    /// The member `key` of an object.
    func member(_ key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}
