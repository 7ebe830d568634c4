import Testing
@testable import SquawkCore

/// The validation matrix of the subscriptions issue: every rejection has its stable code.
@Suite("notifyEndpoint validation")
struct EndpointPolicyTests {
    let policy = EndpointPolicy()

    private func code(_ url: String, _ policy: EndpointPolicy? = nil) -> String? {
        do {
            try (policy ?? self.policy).validate(url)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("256 characters pass, 257 are refused")
    func lengthLimit() {
        let base = "https://hooks.example.com/"
        let ok = base + String(repeating: "a", count: 256 - base.count)
        let long = ok + "a"
        #expect(ok.count == 256)
        #expect(code(ok) == nil)
        #expect(code(long) == "endpoint_too_long")
        #expect(code("") == "endpoint_required")
    }

    @Test("only http and https", arguments: ["ftp://example.com/x", "file:///etc/passwd", "gopher://example.com", "javascript://x", "HTTPX://example.com"])
    func schemes(_ url: String) {
        #expect(code(url) == "endpoint_scheme_not_allowed")
    }

    @Test("scheme is case-insensitive")
    func schemeCase() {
        #expect(code("HTTPS://Example.com/hook") == nil)
        #expect(code("http://example.com:8080/hook?x=1") == nil)
    }

    @Test("user-info is refused", arguments: ["https://user:pass@example.com/", "https://user@example.com/", "https://a@127.0.0.1/"])
    func userInfo(_ url: String) {
        #expect(code(url) == "endpoint_userinfo_not_allowed")
    }

    @Test("every spelling of a non-public address is refused", arguments: [
        "http://127.0.0.1/", "http://127.1/", "http://0x7f000001/", "http://2130706433/", "http://0177.0.0.1/",
        "http://0x7f.0.0.1/", "http://127.0.0.1./", "http://[::1]/", "http://[0:0:0:0:0:0:0:1]/",
        "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[64:ff9b::127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data", "http://[fc00::1]/", "http://[fd12:3456::1]/",
        "http://[fe80::1]/", "http://10.0.0.1/", "http://10.1/", "http://172.16.5.4/", "http://172.31.255.255/",
        "http://192.168.1.1/", "http://0.0.0.0/", "http://0/", "http://100.64.0.1/", "http://224.0.0.1/",
        "http://[ff02::1]/", "http://255.255.255.255/", "http://localhost/", "http://LOCALHOST./",
        "http://foo.localhost/", "http://metadata.google.internal/", "http://[::]/", "https://198.18.0.1:8443/",
    ])
    func privateAddresses(_ url: String) {
        #expect(code(url) == "endpoint_address_not_allowed")
    }

    @Test("public addresses and names pass", arguments: [
        "https://8.8.8.8/", "https://[2606:4700::1111]/hook", "https://discord.com/api/webhooks/1/abc",
        "http://172.32.0.1/", "http://11.0.0.1/", "https://hooks.slack.com/services/T/B/X",
    ])
    func publicAddresses(_ url: String) {
        #expect(code(url) == nil)
    }

    @Test("malformed URLs", arguments: [
        "example.com/hook", "https://", "https:///path", "https://exa mple.com/", "https://example.com:0/",
        "https://example.com:99999/", "https://example.com:abc/", "https://%31%32%37.0.0.1/", "https://[::1/",
        "https://ex\\ample.com/", "https://example.com\n/",
    ])
    func malformed(_ url: String) {
        #expect(code(url) == "endpoint_invalid")
    }

    @Test("an operator allow-list admits a private range, and only that range")
    func allowList() throws {
        let lo = EndpointPolicy(allowList: [try #require(IPRange(cidr: "127.0.0.0/8"))])
        #expect(code("http://127.0.0.1:9000/hook", lo) == nil)
        #expect(code("http://0x7f000001:9000/hook", lo) == nil)
        #expect(code("http://[::ffff:127.0.0.1]/", lo) == nil)
        #expect(code("http://localhost:9000/", lo) == nil)
        #expect(code("http://10.0.0.1/", lo) == "endpoint_address_not_allowed")
        #expect(code("http://[::1]/", lo) == "endpoint_address_not_allowed")
    }

    @Test("IPv4 parsing follows inet_aton")
    func inetAton() {
        #expect(IPAddress("127.1")?.description == "127.0.0.1")
        #expect(IPAddress("10.258")?.description == "10.0.1.2")
        #expect(IPAddress("0x7f.1")?.description == "127.0.0.1")
        #expect(IPAddress("256.0.0.1") == nil)
        #expect(IPAddress("1.2.3.4.5") == nil)
        #expect(IPAddress("08.0.0.1") == nil)  // 8 is not an octal digit
        #expect(IPAddress("example.com") == nil)
        #expect(IPAddress("::ffff:10.0.0.1")?.embeddedV4 == 0x0a00_0001)
    }

    @Test("the dotted-quad fast path agrees with the inet_aton parser, leading zeros included")
    func dottedQuads() {
        var rng = SplitMix64(seed: 4)
        for _ in 0..<5_000 {
            let parts = (0..<4).map { _ in Int(rng.next() % 256) }
            // Sometimes a leading zero (octal to inet_aton), sometimes a part out of range.
            let spelled = parts.map { p -> String in
                switch rng.next() % 10 {
                case 0: "0\(p)"
                case 1: "\(p + 256)"
                default: "\(p)"
                }
            }.joined(separator: ".")
            #expect(IPAddress(spelled) == IPAddress.parseV4(Substring(spelled)).map(IPAddress.v4), "\(spelled)")
        }
        #expect(IPAddress.dottedQuad("192.168.1.20".utf8) == 0xC0A8_0114)
        #expect(IPAddress.dottedQuad("010.0.0.1".utf8) == nil, "octal goes to the general parser")
        #expect(IPAddress("010.0.0.1")?.description == "8.0.0.1")
        for odd in ["1.2.3", "1.2.3.4.", "1..2.3", ".1.2.3", "1.2.3.4.5", "1.2.3.256", ""] {
            #expect(IPAddress.dottedQuad(odd.utf8) == nil, "\(odd)")
        }
    }
}
