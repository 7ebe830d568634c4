import Foundation

// MARK: - Header and URL text

/// The byte-level text helpers of ``CurlTransfer``: header checks that run for every header of
/// every request and response, and the parts of a URL an error message must never show.
extension CurlTransfer {
    /// Whether `text` begins with the lower-case ASCII `prefix`, ignoring ASCII case.
    static func hasPrefix(_ text: String, _ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { expected in
            var bytes = text.utf8.makeIterator()
            for e in expected {
                guard let b = bytes.next(), Self.sameIgnoringCase(b, e) else { return false }
            }
            return true
        }
    }

    /// Whether header name `name` is the lower-case ASCII `lower`, ignoring ASCII case.
    static func equalsIgnoringCase(_ name: String, _ lower: StaticString) -> Bool {
        lower.withUTF8Buffer { expected in
            guard name.utf8.count == expected.count else { return false }
            return zip(name.utf8, expected).allSatisfy { Self.sameIgnoringCase($0, $1) }
        }
    }

    /// Byte `b` is `lower`, or its upper-case ASCII letter.
    private static func sameIgnoringCase(_ b: UInt8, _ lower: UInt8) -> Bool {
        b == lower || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") && b | 0x20 == lower)
    }

    /// Why `headers` cannot be sent (a name that is not an HTTP token, a value with a line
    /// break), or nil. Names only: values may be secrets.
    static func headerProblem(_ headers: [(name: String, value: String)]) -> String? {
        for header in headers {
            let tokenOK = !header.name.isEmpty && header.name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                     UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
                     UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "^"), UInt8(ascii: "`"),
                     UInt8(ascii: "|"), UInt8(ascii: "~"):
                    return true
                default:
                    return false
                }
            }
            guard tokenOK else { return "header name \"\(header.name.prefix(64))\" is not a valid HTTP token" }
            if header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
                return "header \(header.name) has a line break or NUL in its value"
            }
        }
        return nil
    }

    /// The pieces of `url` that must never be shown: the whole URL, user info, path + query,
    /// and the query; longest first so the largest match is cut.
    static func secretParts(of url: String) -> [String] {
        var parts = [url]
        if let schemeEnd = url.range(of: "://") {
            let afterScheme = url[schemeEnd.upperBound...]
            let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
            let authority = afterScheme[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") { parts.append(String(authority[..<at])) }
            let rest = afterScheme[authorityEnd...]
            if rest.count > 1 { parts.append(String(rest)) }
            if let query = rest.firstIndex(of: "?") {
                parts.append(String(rest[query...]))
                let path = rest[..<query]
                if path.count > 1 { parts.append(String(path)) }
            }
        }
        return parts.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }
}
