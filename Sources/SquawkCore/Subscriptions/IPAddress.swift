/// An IPv4 or IPv6 address parsed from any spelling a URL host or a resolver may use, and the
/// address ranges webhooks must not reach.
///
/// IPv4 is parsed the way `inet_aton` (and so curl and browsers) parse it: one to four parts,
/// each decimal, octal (`0177`) or hex (`0x7f`), the last part filling the remaining bytes —
/// so `127.1`, `0x7f000001`, `2130706433` and `0177.0.0.1` all mean 127.0.0.1.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt64, UInt64)

    // MARK: - Parsing

    /// Parses `text` as an address: IPv4 in any inet_aton form, or IPv6 (with or without
    /// brackets, with an embedded dotted IPv4 tail, without a zone). `nil` when it is a name.
    public init?(_ text: String) {
        if let v4 = Self.dottedQuad(text.utf8) {
            self = .v4(v4)
            return
        }
        var s = Substring(text)
        if s.hasPrefix("["), s.hasSuffix("]") { s = s.dropFirst().dropLast() }
        if s.utf8.contains(UInt8(ascii: ":")) {
            guard let v6 = Self.parseV6(s) else { return nil }
            self = v6
        } else {
            guard let v4 = Self.parseV4(s) else { return nil }
            self = .v4(v4)
        }
    }

    /// The usual spelling (what a resolver or curl reports for every connection) read without
    /// allocating: four decimal parts of 0–255 without leading zeros. Anything else is nil and
    /// goes to the general parser (a leading zero means octal to `inet_aton`).
    static func dottedQuad(_ bytes: String.UTF8View) -> UInt32? {
        var result: UInt32 = 0, part: UInt32 = 0, digits = 0, dots = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                result = result << 8 | part
                part = 0
                digits = 0
                dots += 1
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if digits == 1, part == 0 { return nil }  // a leading zero
                part = part * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard part <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return result << 8 | part
    }

    static func parseV4(_ s: Substring) -> UInt32? {
        var text = s
        if text.hasSuffix(".") { text = text.dropLast() }  // "127.0.0.1." is a valid spelling
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for p in parts {
            guard let v = parseV4Part(p) else { return nil }
            values.append(v)
        }
        var result: UInt64 = 0
        for (i, v) in values.enumerated() {
            if i < values.count - 1 {
                guard v <= 0xff else { return nil }
                result |= v << UInt64(8 * (3 - i))
            } else {
                let bytesLeft = 4 - i
                guard v < (UInt64(1) << UInt64(8 * bytesLeft)) else { return nil }
                result |= v
            }
        }
        return UInt32(result)
    }

    private static func parseV4Part(_ p: Substring) -> UInt64? {
        guard !p.isEmpty else { return nil }
        let lower = p.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            if digits.isEmpty { return 0 }
            guard digits.count <= 8 else { return nil }
            return UInt64(digits, radix: 16)
        }
        if lower.count > 1, lower.hasPrefix("0") {
            guard lower.count <= 12 else { return nil }
            return UInt64(lower.dropFirst(), radix: 8)
        }
        guard lower.count <= 10, lower.allSatisfy(\.isASCIIDigit) else { return nil }
        return UInt64(lower, radix: 10)
    }

    static func parseV6(_ s: Substring) -> IPAddress? {
        guard !s.contains("%") else { return nil }  // zones are never valid in a URL host here
        var groups: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func parseSide(_ text: String, allowV4Tail: Bool) -> [UInt16]? {
            if text.isEmpty { return [] }
            var out: [UInt16] = []
            let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if allowV4Tail, i == pieces.count - 1, piece.contains(".") {
                    // Embedded IPv4 must be strict dotted-quad decimal.
                    let octets = piece.split(separator: ".", omittingEmptySubsequences: false)
                    guard octets.count == 4 else { return nil }
                    var bytes: [UInt16] = []
                    for o in octets {
                        guard !o.isEmpty, o.count <= 3, o.allSatisfy(\.isASCIIDigit), let v = UInt16(o), v <= 255 else { return nil }
                        bytes.append(v)
                    }
                    out.append(bytes[0] << 8 | bytes[1])
                    out.append(bytes[2] << 8 | bytes[3])
                } else {
                    guard (1...4).contains(piece.count), let v = UInt16(piece, radix: 16) else { return nil }
                    out.append(v)
                }
            }
            return out
        }
        if halves.count == 2 {
            sawGap = true
            guard let head = parseSide(halves[0], allowV4Tail: false),
                  let rest = parseSide(halves[1], allowV4Tail: true) else { return nil }
            groups = head
            tail = rest
            guard groups.count + tail.count <= 7 else { return nil }
        } else {
            guard let all = parseSide(halves[0], allowV4Tail: true), all.count == 8 else { return nil }
            groups = all
        }
        if sawGap { groups += Array(repeating: 0, count: 8 - groups.count - tail.count) + tail }
        var hi: UInt64 = 0, lo: UInt64 = 0
        for i in 0..<4 { hi = hi << 16 | UInt64(groups[i]) }
        for i in 4..<8 { lo = lo << 16 | UInt64(groups[i]) }
        return .v6(hi, lo)
    }

    // MARK: - Classification

    /// The IPv4 address an IPv6 address carries, where the network delivers it to that IPv4
    /// host: IPv4-mapped (`::ffff:0:0/96`), IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`
    /// and the local-use `64:ff9b:1::/48`), 6to4 (`2002::/16`, bits 16–47) and Teredo
    /// (`2001::/32`, the client address stored inverted in the last 32 bits).
    public var embeddedV4: UInt32? {
        guard case .v6(let hi, let lo) = self else { return nil }
        if hi == 0, lo >> 32 == 0xffff { return UInt32(truncatingIfNeeded: lo) }
        if hi == 0, lo >> 32 == 0, lo > 1 { return UInt32(truncatingIfNeeded: lo) }
        if hi == 0x0064_ff9b_0000_0000, lo >> 32 == 0 { return UInt32(truncatingIfNeeded: lo) }
        if hi >> 16 == 0x0064_ff9b_0001 { return UInt32(truncatingIfNeeded: lo) }
        if hi >> 48 == 0x2002 { return UInt32(truncatingIfNeeded: hi >> 16) }
        if hi >> 32 == 0x2001_0000 { return ~UInt32(truncatingIfNeeded: lo) }
        return nil
    }

    /// Cloud metadata services: reachable only when the operator allow-lists the exact address.
    public static let metadata: [IPAddress] = [
        .v4(0xA9FE_A9FE),  // 169.254.169.254: AWS, GCP, Azure, OpenStack…
        .v4(0xA9FE_AA02),  // 169.254.170.2: AWS ECS task metadata
        .v4(0x6464_64C8),  // 100.100.100.200: Alibaba Cloud
        IPAddress("fd00:ec2::254")!,  // AWS over IPv6
    ]

    /// Whether this is (or embeds) a cloud metadata address.
    public var isMetadata: Bool {
        if let v4 = embeddedV4 { return IPAddress.metadata.contains(.v4(v4)) }
        return IPAddress.metadata.contains(self)
    }

    /// Why this address must not receive webhooks (private, loopback, link-local, multicast,
    /// metadata, reserved…), or `nil` when it is a public unicast address.
    public var nonPublicReason: String? {
        if isMetadata { return "a cloud metadata address" }
        if let v4 = embeddedV4 { return IPAddress.v4(v4).nonPublicReason.map { "\($0) (embedded in IPv6)" } }
        for range in IPRange.nonPublic where range.contains(self) { return range.reason }
        return nil
    }

    var isV4: Bool { if case .v4 = self { true } else { false } }

    public var description: String {
        switch self {
        case .v4(let v):
            let octets: [UInt32] = [v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]
            return octets.map(String.init).joined(separator: ".")
        case .v6(let hi, let lo):
            var groups: [UInt16] = []
            for word in [hi, lo] {
                for i in 0..<4 { groups.append(UInt16(truncatingIfNeeded: word >> UInt64(48 - 16 * i))) }
            }
            return groups.map { String($0, radix: 16) }.joined(separator: ":")
        }
    }
}

/// A CIDR range (`10.0.0.0/8`, `fc00::/7`).
public struct IPRange: Sendable, Hashable, CustomStringConvertible {
    public var base: IPAddress
    public var prefix: Int
    public var reason: String

    public init(base: IPAddress, prefix: Int, reason: String = "") {
        self.base = base
        self.prefix = prefix
        self.reason = reason
    }

    /// Parses `a.b.c.d/n` or `x::/n` (a bare address is a /32 or /128).
    public init?(cidr: String, reason: String = "allow-listed") {
        let parts = cidr.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let addr = IPAddress(String(first)) else { return nil }
        let maxPrefix: Int = if case .v4 = addr { 32 } else { 128 }
        let p = parts.count == 2 ? Int(parts[1]) : maxPrefix
        guard let p, (0...maxPrefix).contains(p) else { return nil }
        self.init(base: addr, prefix: p, reason: reason)
    }

    public func contains(_ a: IPAddress) -> Bool {
        switch (base, a) {
        case (.v4(let b), .v4(let x)):
            guard prefix > 0 else { return true }
            let mask: UInt32 = prefix >= 32 ? .max : ~(UInt32.max >> UInt32(prefix))
            return b & mask == x & mask
        case (.v6(let bh, let bl), .v6(let xh, let xl)):
            if prefix <= 64 {
                let mask: UInt64 = prefix == 0 ? 0 : ~(UInt64.max >> UInt64(prefix))
                return bh & mask == xh & mask
            }
            let mask: UInt64 = prefix >= 128 ? .max : ~(UInt64.max >> UInt64(prefix - 64))
            return bh == xh && bl & mask == xl & mask
        case (.v4, .v6):
            // An allow-listed IPv4 range also covers the same address spelled as mapped IPv6.
            if let e = a.embeddedV4 { return contains(.v4(e)) }
            return false
        default:
            return false
        }
    }

    public var description: String { "\(base)/\(prefix)" }

    /// Every range a webhook must not reach by default (RFC 6890 special-purpose registries).
    public static let nonPublic: [IPRange] = [
        ("0.0.0.0/8", "an unspecified address (0.0.0.0/8)"),
        ("10.0.0.0/8", "a private address (10.0.0.0/8)"),
        ("100.64.0.0/10", "a shared address (100.64.0.0/10)"),
        ("127.0.0.0/8", "a loopback address (127.0.0.0/8)"),
        ("169.254.0.0/16", "a link-local or metadata address (169.254.0.0/16)"),
        ("172.16.0.0/12", "a private address (172.16.0.0/12)"),
        ("192.0.0.0/24", "a reserved address (192.0.0.0/24)"),
        ("192.0.2.0/24", "a documentation address (192.0.2.0/24)"),
        ("192.88.99.0/24", "a relay address (192.88.99.0/24)"),
        ("192.168.0.0/16", "a private address (192.168.0.0/16)"),
        ("198.18.0.0/15", "a benchmarking address (198.18.0.0/15)"),
        ("198.51.100.0/24", "a documentation address (198.51.100.0/24)"),
        ("203.0.113.0/24", "a documentation address (203.0.113.0/24)"),
        ("224.0.0.0/4", "a multicast address (224.0.0.0/4)"),
        ("240.0.0.0/4", "a reserved address (240.0.0.0/4)"),
        ("::/128", "an unspecified address (::)"),
        ("::1/128", "a loopback address (::1)"),
        ("100::/64", "a discard address (100::/64)"),
        ("2001:db8::/32", "a documentation address (2001:db8::/32)"),
        ("fc00::/7", "a unique-local (private) address (fc00::/7)"),
        ("fe80::/10", "a link-local address (fe80::/10)"),
        ("fec0::/10", "a site-local address (fec0::/10)"),
        ("ff00::/8", "a multicast address (ff00::/8)"),
    ].map { IPRange(cidr: $0.0, reason: $0.1)! }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
