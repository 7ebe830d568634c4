import Foundation
import SquawkApp
import Testing

/// `fls.instances` and friends: parsing, refusals that never echo a password, masking, and what
/// the embedded default offers.
@Suite("FLS configuration")
struct FLSConfigurationTests {
    @Test("NAME=URL with the login in the URL; percent-encoded logins are decoded; the base URL keeps its path")
    func parses() throws {
        let s = try FLSInstanceSetting.parse("Club = https://flight%40club:p%3Ass%2Fw0rd@fls.example.org:8443/api/").get()
        #expect(s.name == "club")
        #expect(s.baseURL == "https://fls.example.org:8443/api")
        #expect(s.username == "flight@club")
        #expect(s.password == "p:ss/w0rd")
    }

    @Test("bad entries are refused with a reason and never the password", arguments: [
        ("club", "NAME=URL"),
        ("=https://u:hunter2@fls.example.org", "name"),
        ("bad name=https://u:hunter2@fls.example.org", "name"),
        ("club=ftp://u:hunter2@fls.example.org", "http(s)"),
        ("club=https://fls.example.org", "login"),
        ("club=https://u@fls.example.org", "login"),
        ("club=https://u:hunter2@fls.example.org/?x=1", "query"),
    ])
    func refused(_ entry: String, _ reason: String) throws {
        var c = SquawkConfiguration()
        do {
            try c.set("fls.instances", entry)
            Issue.record("accepted \(entry)")
        } catch {
            #expect(error.key == "fls.instances")
            #expect(error.message.contains(reason), "\(error.message)")
            #expect(!error.message.contains("hunter2"))
        }
    }

    @Test("a name used twice is refused")
    func duplicateNames() {
        #expect(FLSInstanceSetting.problem(["a=https://u:p@x.example", "A=https://u:p@y.example"])?.contains("twice") == true)
        #expect(FLSInstanceSetting.problem(["a=https://u:p@x.example", "b=https://u:p@y.example"]) == nil)
    }

    @Test("the instances are a secret in config check; intervals and budget are shown")
    func masked() throws {
        var c = SquawkConfiguration()
        try c.apply(toml: "[fls]\ninstances = [\"club=https://u:hunter2@fls.example.org\"]\npoll_interval_seconds = 30", source: "t.toml")
        let text = ConfigReport.lines(c).joined(separator: "\n")
        #expect(!text.contains("hunter2") && !text.contains("u:"), "the login never shows; the host does")
        #expect(text.contains("fls.instances = \"****\" (set)"))
        #expect(text.contains("fls.poll_interval_seconds = 30"))
        #expect(c.flsInstanceNames == ["club"])
        #expect(text.contains("fls: club at fls.example.org; each read while a subscription wants it: about 2.0 requests/min of 12"))
        #expect(!c.usesEmbeddedFLS, "configured instances replace the simulator's club")
    }

    @Test("the embedded default offers the simulator's club \"demo\" unless told otherwise")
    func embedded() throws {
        var c = SquawkConfiguration()
        #expect(c.usesEmbeddedFLS && c.flsInstanceNames == ["demo"])
        try c.set("simulator.fls_flights", "0")
        #expect(!c.usesEmbeddedFLS && c.flsInstanceNames.isEmpty)
        var real = SquawkConfiguration()
        try real.set("liveapi.key", "\"k\"")
        #expect(!real.usesEmbeddedFLS, "with a real Live API key there is no simulated club")
    }
}
