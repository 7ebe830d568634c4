// MARK: - JSONValue <-> bytes without Foundation's coders

/// A direct writer and reader for ``JSONValue``: the outbox stores every event's `data` and the
/// dispatcher renders every payload with them, and Foundation's `JSONEncoder`/`JSONDecoder`
/// (built for `Codable` graphs) were half of the outbox's claim time. Output matches
/// `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes`: keys sorted, integral numbers
/// below 10^15 written as integers, no insignificant whitespace.
extension JSONValue {
    /// The value as compact JSON (object keys sorted).
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(into: &out)
        return out
    }

    /// Appends the value's JSON to `out`.
    public func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += [0x6E, 0x75, 0x6C, 0x6C]
        case .bool(let b): out += b ? [0x74, 0x72, 0x75, 0x65] : [0x66, 0x61, 0x6C, 0x73, 0x65]
        case .number(let n): Self.writeNumber(n, into: &out)
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let a):
            out.append(0x5B)
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                v.write(into: &out)
            }
            out.append(0x5D)
        case .object(let o):
            out.append(0x7B)
            for (i, key) in o.keys.sorted().enumerated() {
                if i > 0 { out.append(0x2C) }
                Self.writeString(key, into: &out)
                out.append(0x3A)
                o[key]!.write(into: &out)
            }
            out.append(0x7D)
        }
    }

    /// Appends an object made of `members` (keys unique) with its keys sorted, as ``write(into:)``
    /// writes an `.object`, without building the dictionary first.
    static func writeObject(_ members: [(key: String, value: JSONValue)], into out: inout [UInt8]) {
        out.append(0x7B)
        for (i, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { out.append(0x2C) }
            writeString(member.key, into: &out)
            out.append(0x3A)
            member.value.write(into: &out)
        }
        out.append(0x7D)
    }

    /// Appends `items` as a JSON array, each written by `element`.
    public static func writeArray<T>(_ items: some Sequence<T>, into out: inout [UInt8], _ element: (T, inout [UInt8]) -> Void) {
        out.append(0x5B)
        var first = true
        for item in items {
            if !first { out.append(0x2C) }
            first = false
            element(item, &out)
        }
        out.append(0x5D)
    }

    public static func writeNumber(_ n: Double, into out: inout [UInt8]) {
        guard n.isFinite else { out += [0x6E, 0x75, 0x6C, 0x6C]; return }
        if n.rounded() == n, abs(n) < 1e15 {
            out += Array(String(Int64(n)).utf8)
        } else {
            // Swift's shortest round-trip form; an integral value loses its ".0" as in JSONEncoder.
            var text = "\(n)"
            if text.hasSuffix(".0") { text.removeLast(2) }
            out += Array(text.utf8)
        }
    }

    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { bytes in
            // Runs without anything to escape (nearly every string) are copied whole.
            var start = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i])) }
                writeEscape(b, into: &out)
                start = i + 1
            }
            if start < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...])) }
        }
        out.append(0x22)
    }

    /// JSON's two-character escapes (RFC 8259 §7): a byte and the letter after the backslash
    /// that stands for it. The writer uses them (other control characters become `\u00XX`); the
    /// reader takes them, and `\/` too.
    static let shortEscapes: [(byte: UInt8, letter: UInt8)] = [
        (0x22, 0x22), (0x5C, 0x5C), (0x08, 0x62), (0x0C, 0x66), (0x0A, 0x6E), (0x0D, 0x72), (0x09, 0x74),
    ]

    /// The escape of a quote, a backslash or a control character.
    private static func writeEscape(_ b: UInt8, into out: inout [UInt8]) {
        out.append(0x5C)
        if let short = shortEscapes.first(where: { $0.byte == b }) {
            out.append(short.letter)
        } else {
            let hex: StaticString = "0123456789abcdef"
            hex.withUTF8Buffer { digits in
                out.append(0x75)
                out.append(0x30)
                out.append(0x30)
                out.append(digits[Int(b >> 4)])
                out.append(digits[Int(b & 0xF)])
            }
        }
    }

    // MARK: Reading

    /// A parse failure, with the byte offset.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var offset: Int
        public var description: String { "invalid JSON at byte \(offset)" }
    }

    /// Parses one JSON value (RFC 8259; surrounding whitespace allowed, nothing else after it).
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) throws(ParseError) -> JSONValue in
            var reader = Reader(p: p)
            let v = try reader.value(depth: 0)
            reader.skipSpace()
            guard reader.i == p.count else { throw ParseError(offset: reader.i) }
            return v
        }
    }

    /// Whether a number somewhere in the value is NaN or infinite (which JSON cannot carry).
    public var containsNonFiniteNumber: Bool {
        switch self {
        case .number(let n): !n.isFinite
        case .array(let a): a.contains { $0.containsNonFiniteNumber }
        case .object(let o): o.values.contains { $0.containsNonFiniteNumber }
        default: false
        }
    }

    private struct Reader {
        let p: UnsafeBufferPointer<UInt8>
        var i = 0

        init(p: UnsafeBufferPointer<UInt8>) { self.p = p }

        mutating func skipSpace() {
            while i < p.count, p[i] == 0x20 || p[i] == 0x0A || p[i] == 0x0D || p[i] == 0x09 { i += 1 }
        }

        mutating func literal(_ word: [UInt8], _ v: JSONValue) throws(ParseError) -> JSONValue {
            guard i + word.count <= p.count else { throw ParseError(offset: i) }
            for (k, b) in word.enumerated() where p[i + k] != b { throw ParseError(offset: i + k) }
            i += word.count
            return v
        }

        mutating func value(depth: Int) throws(ParseError) -> JSONValue {
            guard depth < 512 else { throw ParseError(offset: i) }
            skipSpace()
            guard i < p.count else { throw ParseError(offset: i) }
            switch p[i] {
            case 0x7B:
                i += 1
                var object: [String: JSONValue] = [:]
                skipSpace()
                if i < p.count, p[i] == 0x7D { i += 1; return .object(object) }
                while true {
                    skipSpace()
                    guard i < p.count, p[i] == 0x22 else { throw ParseError(offset: i) }
                    let key = try string()
                    skipSpace()
                    guard i < p.count, p[i] == 0x3A else { throw ParseError(offset: i) }
                    i += 1
                    object[key] = try value(depth: depth + 1)
                    skipSpace()
                    guard i < p.count else { throw ParseError(offset: i) }
                    if p[i] == 0x2C { i += 1; continue }
                    if p[i] == 0x7D { i += 1; return .object(object) }
                    throw ParseError(offset: i)
                }
            case 0x5B:
                i += 1
                var array: [JSONValue] = []
                skipSpace()
                if i < p.count, p[i] == 0x5D { i += 1; return .array(array) }
                while true {
                    array.append(try value(depth: depth + 1))
                    skipSpace()
                    guard i < p.count else { throw ParseError(offset: i) }
                    if p[i] == 0x2C { i += 1; continue }
                    if p[i] == 0x5D { i += 1; return .array(array) }
                    throw ParseError(offset: i)
                }
            case 0x22: return .string(try string())
            case 0x74: return try literal([0x74, 0x72, 0x75, 0x65], .bool(true))
            case 0x66: return try literal([0x66, 0x61, 0x6C, 0x73, 0x65], .bool(false))
            case 0x6E: return try literal([0x6E, 0x75, 0x6C, 0x6C], .null)
            default: return .number(try number())
            }
        }

        mutating func number() throws(ParseError) -> Double {
            let start = i
            if i < p.count, p[i] == 0x2D { i += 1 }
            let first = i
            var digits = 0
            while i < p.count, p[i] >= 0x30, p[i] <= 0x39 { i += 1; digits += 1 }
            guard digits > 0, digits == 1 || p[first] != 0x30 else { throw ParseError(offset: start) }
            if i < p.count, p[i] == 0x2E {
                i += 1
                var fraction = 0
                while i < p.count, p[i] >= 0x30, p[i] <= 0x39 { i += 1; fraction += 1 }
                guard fraction > 0 else { throw ParseError(offset: i) }
            }
            if i < p.count, p[i] == 0x65 || p[i] == 0x45 {
                i += 1
                if i < p.count, p[i] == 0x2B || p[i] == 0x2D { i += 1 }
                var exponent = 0
                while i < p.count, p[i] >= 0x30, p[i] <= 0x39 { i += 1; exponent += 1 }
                guard exponent > 0 else { throw ParseError(offset: i) }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
            guard let d = Double(text) else { throw ParseError(offset: start) }
            return d
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            guard i + 4 <= p.count else { throw ParseError(offset: i) }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = p[i]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                default: throw ParseError(offset: i)
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        /// A string starting at the opening quote.
        mutating func string() throws(ParseError) -> String {
            i += 1
            let start = i
            // Fast path: no escapes.
            while i < p.count, p[i] != 0x22, p[i] != 0x5C {
                guard p[i] >= 0x20 else { throw ParseError(offset: i) }
                i += 1
            }
            guard i < p.count else { throw ParseError(offset: i) }
            if p[i] == 0x22 {
                let s = String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
                i += 1
                return s
            }
            var bytes = Array(p[start..<i])
            while i < p.count {
                let c = p[i]
                if c == 0x22 { i += 1; return String(decoding: bytes, as: UTF8.self) }
                guard c >= 0x20 else { throw ParseError(offset: i) }
                if c != 0x5C { bytes.append(c); i += 1; continue }
                i += 1
                guard i < p.count else { throw ParseError(offset: i) }
                let e = p[i]
                i += 1
                if let short = JSONValue.shortEscapes.first(where: { $0.letter == e }) {
                    bytes.append(short.byte)
                    continue
                }
                switch e {
                case 0x2F: bytes.append(0x2F)
                case 0x75:
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A surrogate pair: the low half must follow.
                        guard i + 6 <= p.count, p[i] == 0x5C, p[i + 1] == 0x75 else { throw ParseError(offset: i) }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw ParseError(offset: i) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw ParseError(offset: i) }
                    bytes += Array(String(Character(u)).utf8)
                default: throw ParseError(offset: i - 1)
                }
            }
            throw ParseError(offset: i)
        }
    }
}
