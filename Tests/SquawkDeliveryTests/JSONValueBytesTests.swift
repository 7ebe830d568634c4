import Foundation
import SquawkCore
import Testing

@Suite("JSONValue: direct writer and reader agree with Foundation")
struct JSONValueBytesTests {
    static let pieces = ["a", "DAL40", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "日本", "🛫", "e\u{301}", "\u{2028}", " ", "{}", "[1]"]

    static func randomString(_ rng: inout SplitMix64) -> String {
        (0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    static func random(_ rng: inout SplitMix64, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2:
            let choices: [Double] = [0, -0.5, 1, -1, 128, 138.2, -182.6, 1e15, 1e-7, 123456789012, 3.141592653589793, Double.random(in: -1e6...1e6, using: &rng)]
            return .number(choices.randomElement(using: &rng)!)
        case 3: return .string(randomString(&rng))
        case 4: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in random(&rng, depth: depth + 1) })
        default:
            var o: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) { o[randomString(&rng)] = random(&rng, depth: depth + 1) }
            return .object(o)
        }
    }

    @Test("500 random values: written bytes decode with JSONDecoder to the same value, and read back the same")
    func roundTrip() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let v = Self.random(&rng)
            let bytes = v.jsonBytes
            #expect(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) == v)
            #expect(try JSONValue.parse(bytes) == v)
            // And Foundation's output (pretty, sorted) reads back the same through the direct reader.
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            #expect(try JSONValue.parse(Array(enc.encode(v))) == v)
        }
    }

    @Test("output matches JSONEncoder with sorted keys and unescaped slashes")
    func sameBytesAsFoundation() throws {
        let v: JSONValue = .object(["b": .array([.number(1), .number(2.5), .null, .bool(false)]), "a": .string("x/y \"q\" é\n"),
                                    "c": .object(["z": .number(-0.25), "y": .number(1e15)])])
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let ours = String(decoding: v.jsonBytes, as: UTF8.self), theirs = String(decoding: try enc.encode(v), as: UTF8.self)
        #expect(ours == theirs, "\(ours) vs \(theirs)")
    }

    @Test("every control character, quote and backslash is escaped as Foundation escapes it, at the start, middle and end of a string")
    func escapesLikeFoundation() throws {
        let specials = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\"", "\\"]
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for special in specials {
            for text in [special, "ab\(special)cd", "é\(special)", "\(special)🛫", special + special] {
                let ours = String(decoding: JSONValue.string(text).jsonBytes, as: UTF8.self)
                let theirs = String(decoding: try enc.encode(JSONValue.string(text)), as: UTF8.self)
                #expect(ours == theirs, "\(ours) vs \(theirs)")
            }
        }
    }

    @Test("escapes and surrogate pairs are read; malformed input is refused with an offset", arguments: [
        #"{"a":1,}"#, #"[1 2]"#, #"{"a"}"#, #""\x""#, #""\ud83d""#, #"01"#, #"1."#, #"-"#, #"tru"#, #"{"a":1} x"#, "\"a\u{01}\"",
    ])
    func malformed(_ text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test("unicode escapes decode")
    func unicodeEscapes() throws {
        #expect(try JSONValue.parse(Array(#""\ud83d\udeeb \u00e9 \/""#.utf8)) == .string("🛫 é /"))
    }
}
