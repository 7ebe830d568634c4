import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SquawkConsole
import SquawkCore
import SquawkServer
import SquawkStore
import Testing

/// The console's sessions, forms and isolation through the router (the browser test in
/// Tests/Browser drives the same pages in Chromium).
@Suite("Web console")
struct ConsoleTests {
    /// An API harness with the console registered over a second API router on the same dependencies.
    static func harness() async throws -> APIHarness {
        try await APIHarness(allowList: ["127.0.0.0/8"], extra: { _ in }, console: true)
    }

    struct Browser {
        let client: any TestClientProtocol
        var cookie: String?

        func get(_ path: String) async throws -> TestResponse {
            var h = HTTPFields()
            if let cookie { h[.cookie] = cookie }
            return try await client.execute(uri: path, method: .get, headers: h, body: nil)
        }

        func post(_ path: String, _ form: [(String, String)], headers extra: [(HTTPField.Name, String)] = []) async throws -> TestResponse {
            var h = HTTPFields()
            if let cookie { h[.cookie] = cookie }
            h[.contentType] = "application/x-www-form-urlencoded"
            for (n, v) in extra { h[n] = v }
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
            return try await client.execute(uri: path, method: .post, headers: h, body: ByteBuffer(string: body))
        }

        mutating func signIn(_ key: String) async throws {
            let r = try await post("/console/signin", [("key", key)])
            #expect(r.status == .seeOther)
            let set = try #require(r.headers[.setCookie])
            #expect(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/console"))
            #expect(!set.contains("Secure"), "plain HTTP: a Secure cookie would never come back")
            cookie = String(set.split(separator: ";")[0])
        }

        func csrf(_ path: String = "/console/subscriptions/new") async throws -> String {
            let html = String(buffer: try await get(path).body)
            let range = try #require(html.range(of: #"name="_csrf" value="[0-9a-f]{64}""#, options: .regularExpression))
            return String(html[range].dropFirst(#"name="_csrf" value=""#.count).dropLast())
        }
    }

    static func form(_ csrf: String, intent: String, endpoint: String = "http://127.0.0.1:9/hook") -> [(String, String)] {
        [("_csrf", csrf), ("intent", intent), ("targetKind", "callsign"), ("targetId", "DAL*"), ("notifyEndpoint", endpoint),
         ("format", "json"), ("events", "flight.takeoff"), ("events", "flight.landing"), ("maxPerMinute", ""), ("filters", "")]
    }

    @Test("signed out, pages redirect to sign-in and forms are refused; a wrong key is a 401 page with the API's message")
    func signedOut() async throws {
        let h = try await Self.harness()
        try await h.app.test(.router) { client in
            var b = Browser(client: client)
            for path in ["/console", "/console/subscriptions", "/console/live", "/console/keys"] {
                let r = try await b.get(path)
                #expect(r.status == .seeOther, "\(path)")
                #expect(r.headers[.location] == "/console/signin")
            }
            let refused = try await b.post("/console/subscriptions", Self.form("0", intent: "save"))
            #expect(refused.status == .forbidden)
            let wrong = try await b.post("/console/signin", [("key", "sqk_not_a_key")])
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body).contains("not valid"))
            try await b.signIn(APIHarness.otherKey)
            #expect(try await b.get("/console").status == .ok)
        }
    }

    @Test("a form needs the session's CSRF token and a same-site origin; with them, the dry run answers and save creates through the API")
    func csrfAndCreate() async throws {
        let h = try await Self.harness()
        try await h.app.test(.router) { client in
            var b = Browser(client: client)
            try await b.signIn(APIHarness.otherKey)
            let csrf = try await b.csrf()
            // The token with its first character changed (to another hex digit, whatever it was).
            let forged = (csrf.first == "f" ? "0" : "f") + csrf.dropFirst()
            #expect(forged != csrf)
            #expect(try await b.post("/console/subscriptions", Self.form(forged, intent: "save")).status == .forbidden)
            #expect(try await b.post("/console/subscriptions", Self.form(csrf, intent: "save"),
                                     headers: [(HTTPField.Name("Origin")!, "https://evil.example")]).status == .forbidden)
            #expect(try await b.post("/console/subscriptions", Self.form(csrf, intent: "save"),
                                     headers: [(HTTPField.Name("Sec-Fetch-Site")!, "cross-site")]).status == .forbidden)
            #expect(try await h.store.list(SubscriptionQuery(ownerKeyId: "key_other")).items.isEmpty, "nothing was created by a refused form")
            let check = try await b.post("/console/subscriptions", Self.form(csrf, intent: "check"))
            #expect(check.status == .ok)
            #expect(String(buffer: check.body).contains("callsigns starting with DAL"))
            #expect(try await h.store.list(SubscriptionQuery(ownerKeyId: "key_other")).items.isEmpty, "a dry run saves nothing")
            // The API's own validation and message, shown on the form.
            let bad = try await b.post("/console/subscriptions", Self.form(csrf, intent: "save", endpoint: "ftp://example.com/x"))
            #expect(bad.status == .unprocessableContent)
            #expect(String(buffer: bad.body).contains("notifyEndpoint"))
            let saved = try await b.post("/console/subscriptions", Self.form(csrf, intent: "save"))
            #expect(saved.status == .seeOther)
            let created = try #require(try await h.store.list(SubscriptionQuery(ownerKeyId: "key_other")).items.first)
            #expect(saved.headers[.location] == "/console/subscriptions/\(created.id)")
            #expect(created.events == [.takeoff, .landing])
            let page = String(buffer: try await b.get("/console/subscriptions/\(created.id)").body)
            #expect(page.contains("whsec_"), "the secret is shown once, after the redirect")
            let again = String(buffer: try await b.get("/console/subscriptions/\(created.id)").body)
            #expect(!again.contains("whsec_"), "and never again")
            #expect(!again.contains("nil"), "no absent value renders as nil")
            #expect(!again.contains("viewing"), "a tenant looks at nobody else's")
        }
    }

    @Test("another key's subscription is not found; the keys page is the admin's, who may look at a tenant's subscriptions; signing out ends the session")
    func isolation() async throws {
        let h = try await Self.harness()
        try await h.app.test(.router) { client in
            var admin = Browser(client: client)
            try await admin.signIn(APIHarness.adminKey)
            let csrf = try await admin.csrf()
            _ = try await admin.post("/console/subscriptions", Self.form(csrf, intent: "save"))
            let id = try #require(try await h.store.list(SubscriptionQuery(ownerKeyId: "admin")).items.first?.id)
            #expect(try await admin.get("/console/keys").status == .ok)
            var tenant = Browser(client: client)
            try await tenant.signIn(APIHarness.otherKey)
            #expect(try await tenant.get("/console/subscriptions/\(id)").status == .notFound)
            #expect(!String(buffer: try await tenant.get("/console/subscriptions").body).contains(id))
            #expect(try await tenant.get("/console/keys").status == .forbidden)
            let tenantCSRF = try await tenant.csrf()
            let deleted = try await tenant.post("/console/subscriptions/\(id)/delete", [("_csrf", tenantCSRF), ("confirm", id)])
            #expect(deleted.status == .seeOther)
            #expect(try await h.store.get(id: id, owner: "admin") != nil, "the API said not found; nothing was deleted")
            // The admin looks at the tenant's subscriptions; the tenant may not choose a tenant.
            let mine = try await tenant.post("/console/subscriptions", Self.form(tenantCSRF, intent: "save"))
            let theirs = try #require(mine.headers[.location]?.split(separator: "/").last.map(String.init))
            #expect(!String(buffer: try await admin.get("/console/subscriptions").body).contains(theirs))
            #expect(try await admin.post("/console/tenant", [("_csrf", csrf), ("tenant", "key_other")]).status == .seeOther)
            let viewing = String(buffer: try await admin.get("/console/subscriptions").body)
            #expect(viewing.contains(theirs) && viewing.contains("viewing"))
            #expect(try await admin.get("/console/subscriptions/\(theirs)").status == .ok)
            #expect(try await tenant.post("/console/tenant", [("_csrf", tenantCSRF), ("tenant", "key_other")]).status == .forbidden)
            #expect(try await admin.post("/console/tenant", [("_csrf", csrf), ("tenant", "")]).status == .seeOther)
            #expect(!String(buffer: try await admin.get("/console/subscriptions").body).contains(theirs))
            #expect(try await tenant.post("/console/signout", [("_csrf", tenantCSRF)]).status == .seeOther)
            #expect(try await tenant.get("/console").status == .seeOther, "the session ended")
        }
    }

    @Test("sessions end after their idle time and their lifetime; tokens are 64 hex characters and unique")
    func sessionExpiry() {
        let sessions = ConsoleSessions(idle: 60, lifetime: 300)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let s = sessions.create(key: "k", admin: false, label: "k", now: t0)
        #expect(s.id.count == 64 && s.csrf.count == 64 && s.id != s.csrf)
        #expect(sessions.session(s.id, now: t0.addingTimeInterval(59)) != nil)
        #expect(sessions.session(s.id, now: t0.addingTimeInterval(118)) != nil, "a request keeps it alive")
        #expect(sessions.session(s.id, now: t0.addingTimeInterval(179)) == nil, "idle for 61 s")
        let long = sessions.create(key: "k", admin: false, label: "k", now: t0)
        for minute in 1...5 { #expect(sessions.session(long.id, now: t0.addingTimeInterval(Double(minute) * 59)) != nil) }
        #expect(sessions.session(long.id, now: t0.addingTimeInterval(301)) == nil, "past its lifetime")
    }
}
