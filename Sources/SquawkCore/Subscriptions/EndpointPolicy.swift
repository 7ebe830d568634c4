/// Validates a `notifyEndpoint` before anything is stored: at most 256 characters, `http` or
/// `https`, no user-info, a host that is not a private, loopback, link-local, multicast,
/// reserved or metadata address in any spelling — unless the operator's allow-list permits it.
///
/// Host *names* pass here (they are checked again after DNS resolution, at connect time, by the
/// transport's peer-address hook: see ``allows(_:)``), except names that always mean this
/// machine or its cloud metadata service (`localhost`, `*.localhost`, `metadata.google.internal`…).
///
/// Error codes (stable):
/// | code | when |
/// | --- | --- |
/// | `endpoint_required` | empty |
/// | `endpoint_too_long` | more than 256 characters |
/// | `endpoint_invalid` | not an absolute URL, bad characters, bad port |
/// | `endpoint_scheme_not_allowed` | scheme other than http/https |
/// | `endpoint_userinfo_not_allowed` | `user:pass@` present |
/// | `endpoint_address_not_allowed` | host is (or spells) a non-public address or local name |
public struct EndpointPolicy: Sendable, Hashable {
    /// FLIFO's limit, kept for every route.
    public static let maxLength = 256

    /// CIDR ranges that are allowed even though they are not public (e.g. `127.0.0.0/8` for a
    /// receiver on the same machine).
    public var allowList: [IPRange]

    public init(allowList: [IPRange] = []) {
        self.allowList = allowList
    }

    /// Host names that always resolve to this machine.
    static let localNames: Set<String> = ["localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"]
    /// Host names of cloud metadata services (judged as 169.254.169.254).
    static let metadataNames: Set<String> = [
        "metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal",
        "metadata.azure.internal", "metadata.tencentyun.com",
    ]

    // MARK: - Validation

    /// The parsed endpoint, or the first rule it breaks.
    @discardableResult
    public func validate(_ endpoint: String, field: String = "notifyEndpoint") throws(ValidationError) -> EndpointURL {
        if endpoint.isEmpty {
            throw ValidationError("endpoint_required", "\(field) is required.", field: field)
        }
        if endpoint.count > Self.maxLength {
            throw ValidationError("endpoint_too_long", "\(field) has \(endpoint.count) characters; the limit is \(Self.maxLength).", field: field)
        }
        let url: EndpointURL
        do { url = try EndpointURL(parsing: endpoint) } catch { throw ValidationError(error.code, error.message, field: field) }
        if let reason = refusal(host: url.host) {
            throw ValidationError("endpoint_address_not_allowed",
                                  "\(field) host \(url.host) is \(reason); webhooks may only go to public addresses unless the operator allow-lists the range.",
                                  field: field)
        }
        return url
    }

    /// Why `host` (a URL host: name, IPv4 in any spelling, or bracketed IPv6) is refused, or nil.
    public func refusal(host: String) -> String? {
        let lower = host.lowercased()
        let name = lower.hasSuffix(".") ? String(lower.dropLast()) : lower
        if Self.metadataNames.contains(name) {
            return allows(IPAddress.metadata[0]) ? nil : "a name of a cloud metadata service"
        }
        if Self.localNames.contains(name) || name.hasSuffix(".localhost") {
            return allows(.v4(0x7f00_0001)) ? nil : "a name for this machine"
        }
        guard let ip = IPAddress(host) else { return nil }
        return refusal(ip)
    }

    /// Why a resolved address is refused, or nil. Used after DNS, at connect time.
    public func refusal(_ ip: IPAddress) -> String? {
        guard let reason = ip.nonPublicReason else { return nil }
        if ip.isMetadata {
            // A range (169.254.0.0/16, 0.0.0.0/0, an IPv6 prefix) never opens a metadata service:
            // only the exact address, allow-listed on its own.
            let exact = allowList.contains { range in
                range.prefix == (range.base.isV4 ? 32 : 128) && (range.base == ip || ip.embeddedV4.map { range.base == .v4($0) } == true)
            }
            return exact ? nil : reason
        }
        return allowList.contains { $0.contains(ip) } ? nil : reason
    }

    /// Whether a resolved address may be connected to.
    public func allows(_ ip: IPAddress) -> Bool { refusal(ip) == nil }
}

/// The parts of an absolute http(s) URL that validation needs. Parsed by hand, strictly: no
/// whitespace, no control characters, no percent-encoding in the host, no backslashes.
public struct EndpointURL: Sendable, Hashable {
    public var scheme: String
    public var host: String
    public var port: Int?
    public var pathAndQuery: String

    public init(parsing text: String) throws(ValidationError) {
        guard !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f || $0 == "\\" }) else {
            throw ValidationError("endpoint_invalid", "the URL contains spaces, control characters or backslashes")
        }
        guard let schemeEnd = text.range(of: "://") else {
            throw ValidationError("endpoint_invalid", "the URL must be absolute, like https://example.com/hook")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw ValidationError("endpoint_scheme_not_allowed", "the scheme must be http or https, not \(scheme.isEmpty ? "empty" : scheme)")
        }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if authority.contains("@") {
            throw ValidationError("endpoint_userinfo_not_allowed", "credentials in the URL (user:password@) are not allowed; use a signing secret")
        }
        var host = Substring(authority)
        var port: Int?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw ValidationError("endpoint_invalid", "unterminated IPv6 address") }
            let after = host[host.index(after: close)...]
            host = host[...close]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()) else { throw ValidationError("endpoint_invalid", "bad port") }
                port = p
            }
            guard IPAddress(String(host)) != nil else { throw ValidationError("endpoint_invalid", "bad IPv6 address \(host)") }
        } else if let colon = host.lastIndex(of: ":") {
            let portText = host[host.index(after: colon)...]
            guard !portText.isEmpty, portText.allSatisfy(\.isASCIIDigit), let p = Int(portText) else {
                throw ValidationError("endpoint_invalid", "bad port")
            }
            port = p
            host = host[..<colon]
        }
        if let port, !(1...65535).contains(port) { throw ValidationError("endpoint_invalid", "port \(port) is out of range") }
        guard !host.isEmpty else { throw ValidationError("endpoint_invalid", "the URL has no host") }
        guard !host.contains("%") else { throw ValidationError("endpoint_invalid", "percent-encoding is not allowed in the host") }
        let allowed = host.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._[]:".unicodeScalars.contains($0) }
        guard allowed else { throw ValidationError("endpoint_invalid", "the host contains characters that are not allowed") }
        self.scheme = scheme
        self.host = String(host)
        self.port = port
        self.pathAndQuery = String(rest[authorityEnd...])
    }
}
