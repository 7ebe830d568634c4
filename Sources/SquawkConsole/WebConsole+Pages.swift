import Foundation
import HTTPTypes
import Hummingbird
import SquawkCore
import SquawkServer

/// Rendering, sign-in and sign-out, the overview and the keys page.
extension WebConsole {
    // MARK: - Rendering

    static let securityHeaders: [(HTTPField.Name, String)] = [
        (HTTPField.Name("Content-Security-Policy")!,
         "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        (HTTPField.Name("X-Frame-Options")!, "DENY"),
        (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "same-origin"),
        (.cacheControl, "no-store"),
    ]

    /// A whole page: `template` rendered with `data`, inside the layout.
    func page(_ template: String, title: String, session: ConsoleSessions.Session?, nav: String = "", _ data: [String: Any] = [:],
              status: HTTPResponse.Status = .ok, error: String? = nil) -> Response {
        var context = Self.clean(data)
        context["base"] = configuration.path
        context["title"] = title
        if let session {
            context["signedIn"] = ["label": session.label, "admin": session.admin, "csrf": session.csrf,
                                   "tenant": session.tenant.map { ["id": $0.id, "name": $0.name] } as Any]
            context["csrf"] = session.csrf
            context["admin"] = session.admin
            if let flash = sessions.takeFlash(session.id) {
                context["flash"] = ["text": flash.text, "error": flash.error, "secret": flash.secret as Any]
            }
        }
        if let error { context["flash"] = ["text": error, "error": true] }
        context["nav_" + nav] = true
        context = Self.clean(context)
        let content = templates.render(context, withTemplate: template) ?? "template \(template) is missing"
        context["content"] = content
        let html = templates.render(context, withTemplate: "layout") ?? content
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        for (name, value) in Self.securityHeaders { headers[name] = value }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// `data` without its nil values (an absent optional in a `[String: Any]` would render as "nil"), at every depth.
    static func clean(_ data: [String: Any]) -> [String: Any] {
        func value(_ v: Any) -> Any? {
            if v is NSNull { return nil }
            let m = Mirror(reflecting: v)
            if m.displayStyle == .optional {
                guard let wrapped = m.children.first?.value else { return nil }
                return value(wrapped)
            }
            if let d = v as? [String: Any] { return clean(d) }
            if let a = v as? [[String: Any]] { return a.map(clean) }
            return v
        }
        return data.compactMapValues(value)
    }

    // MARK: - Sign-in

    func signInPage(_ request: Request, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        page("signin", title: "Sign in", session: nil, [:], status: status, error: error)
    }

    /// Checks the key with the API itself (a tenant lists its subscriptions; only the admin key may list keys).
    func signIn(_ request: Request, _ context: APIContext) async throws -> Response {
        try Self.checkOrigin(request)
        let form = try await ConsoleForm.read(request, context)
        guard let key = form.value("key") else { return signInPage(request, error: "enter an API key", status: .unprocessableContent) }
        let check = await api.call(.get, "/v1/subscriptions?limit=1", key: key, context: context)
        guard check.ok else { return signInPage(request, error: check.message, status: check.status == 401 ? .unauthorized : .badGateway) }
        let admin = await api.call(.get, "/v1/keys", key: key, context: context).ok
        let session = sessions.create(key: key, admin: admin, label: admin ? "admin" : String(key.prefix(12)) + "…", now: now())
        var response = redirect(configuration.path)
        response.headers[.setCookie] = setCookie(session.id, request: request)
        return response
    }

    func signOut(_ request: Request, _ context: APIContext) async throws -> Response {
        let (session, _) = try await checkedForm(request, context)
        sessions.end(session.id)
        var response = redirect(configuration.path + "/signin")
        response.headers[.setCookie] = setCookie("", request: request, maxAge: 0)
        return response
    }

    // MARK: - Overview

    func overview(_ request: Request, _ context: APIContext) async throws -> Response {
        let s = try signedIn(request)
        async let statusAnswer = api.call(.get, "/v1/status", session: s, context: context)
        async let activityAnswer = api.call(.get, "/v1/activity?minutes=60", session: s, context: context)
        let (status, activity) = await (statusAnswer, activityAnswer)
        var data: [String: Any] = [:]
        if status.ok {
            let o = status.object
            let servers = (o["servers"] as? [[String: Any]] ?? []).map { server -> [String: Any] in
                let age = server["lastSnapshotAgeSeconds"] as? Double
                return ["name": server["name"] ?? "", "id": server["id"] ?? "", "polled": server["polled"] as? Bool ?? false,
                        "flights": server["flights"] ?? 0, "age": age.map { Self.age($0) } ?? "no snapshot yet"]
            }
            data["servers"] = servers
            let budget = o["budgetPerMinute"] as? Int ?? 0
            let plan = o["planRequestsPerMinute"] as? Double ?? 0
            let used = o["budgetUsedLastMinute"] as? Int ?? 0
            data["budget"] = ["perMinute": budget, "plan": String(format: "%.1f", plan), "used": used, "planText": o["plan"] ?? "",
                              "gauge": ConsoleSVG.gauge(value: plan, limit: Double(max(1, budget)), label: "requests/min planned")]
            data["activeSubscriptions"] = o["activeSubscriptions"] ?? 0
            data["degraded"] = o["degraded"] as? Bool ?? false
            if let q = o["queue"] as? [String: Any] {
                data["queue"] = ["pending": q["pending"] ?? 0, "inflight": q["inflight"] ?? 0, "retrying": q["retrying"] ?? 0,
                                 "oldest": (q["oldestPendingAgeSeconds"] as? Double).map { Self.age($0) } ?? "none waiting"]
            }
        } else {
            data["statusError"] = status.message
        }
        if activity.ok {
            let o = activity.object
            let minutes = (o["minutes"] as? [[String: Any]] ?? []).compactMap { m -> ConsoleSVG.Bar? in
                guard let start = (m["start"] as? String).flatMap(ISO8601.parse) else { return nil }
                return ConsoleSVG.Bar(start: start, delivered: m["delivered"] as? Int ?? 0, failed: m["failed"] as? Int ?? 0, expired: m["expired"] as? Int ?? 0)
            }
            let since = (o["since"] as? String).flatMap(ISO8601.parse) ?? now().addingTimeInterval(-3600)
            data["chart"] = ConsoleSVG.activityChart(minutes, since: since, count: 60)
            data["totals"] = ["delivered": minutes.reduce(0) { $0 + $1.delivered }, "failed": minutes.reduce(0) { $0 + $1.failed },
                              "expired": minutes.reduce(0) { $0 + $1.expired }]
            data["failing"] = (o["failing"] as? [[String: Any]] ?? []).map {
                ["id": $0["subscriptionId"] ?? "", "endpoint": $0["notifyEndpoint"] ?? "",
                 "since": (($0["since"] as? String).flatMap(ISO8601.parse)).map { Self.age(now().timeIntervalSince($0)) } ?? ""]
            }
        }
        return page("overview", title: "Overview", session: s, nav: "overview", data)
    }

    /// "42 s", "3 min", "2 h 5 min".
    static func age(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 120 { return "\(s) s" }
        if s < 7_200 { return "\(s / 60) min" }
        return "\(s / 3600) h \(s % 3600 / 60) min"
    }

    /// The admin chooses whose subscriptions and deliveries the console shows (`Squawk-Tenant`); empty: the admin's own.
    func chooseTenant(_ request: Request, _ context: APIContext) async throws -> Response {
        let (s, form) = try await checkedForm(request, context)
        guard s.admin else { throw ConsoleRefusal("only the admin key may look at another key's subscriptions") }
        var tenant: ConsoleSessions.Tenant?
        if let id = form.value("tenant") {
            let keys = await api.call(.get, "/v1/keys", key: s.key, context: context)
            guard let k = keys.list.first(where: { $0["id"] as? String == id && ($0["revokedAt"] as? String) == nil }) else {
                return redirect(configuration.path + "/subscriptions", s, flash: .init(text: "no active key \(id)", error: true))
            }
            tenant = .init(id: id, name: k["name"] as? String ?? id)
        }
        sessions.setTenant(s.id, tenant)
        return redirect(configuration.path + "/subscriptions", s,
                        flash: .init(text: tenant.map { "Showing the subscriptions of \($0.name) (\($0.id))." } ?? "Showing your own subscriptions.", error: false))
    }

    /// The admin's tenant choices for the subscriptions page.
    func tenantChoices(_ s: ConsoleSessions.Session, _ context: APIContext) async -> [[String: Any]]? {
        guard s.admin else { return nil }
        let keys = await api.call(.get, "/v1/keys", key: s.key, context: context)
        return [["id": "", "name": "admin (own)", "selected": s.tenant == nil]]
            + keys.list.filter { ($0["revokedAt"] as? String) == nil }.map { k in
                let id = k["id"] as? String ?? ""
                return ["id": id, "name": "\(k["name"] as? String ?? "") (\(k["prefix"] as? String ?? "")…)", "selected": s.tenant?.id == id]
            }
    }

    // MARK: - Keys

    func keys(_ request: Request, _ context: APIContext) async throws -> Response {
        let s = try signedIn(request)
        let answer = await api.call(.get, "/v1/keys", key: s.key, context: context)
        guard answer.ok else { return page("message", title: "Keys", session: s, nav: "keys", ["message": answer.message], status: .forbidden) }
        let keys = answer.list.map { k -> [String: Any] in
            ["id": k["id"] ?? "", "name": k["name"] ?? "", "prefix": k["prefix"] ?? "", "created": k["createdAt"] ?? "",
             "revoked": k["revokedAt"] as? String as Any]
        }
        return page("keys", title: "API keys", session: s, nav: "keys", ["keys": keys])
    }

    func createKey(_ request: Request, _ context: APIContext) async throws -> Response {
        let (s, form) = try await checkedForm(request, context)
        let answer = await api.call(.post, "/v1/keys", key: s.key, json: ["name": form.value("name") ?? ""], context: context)
        guard answer.ok else { return redirect(configuration.path + "/keys", s, flash: .init(text: answer.message, error: true)) }
        return redirect(configuration.path + "/keys", s, flash: .init(text: "Key \"\(answer.object["name"] as? String ?? "")\" created. Copy it now: it is not shown again.",
                                                                    error: false, secret: answer.object["key"] as? String))
    }

    func revokeKey(_ request: Request, _ context: APIContext) async throws -> Response {
        let (s, _) = try await checkedForm(request, context)
        let id = try context.parameters.require("id")
        let answer = await api.call(.delete, "/v1/keys/\(Self.path(id))", key: s.key, context: context)
        return redirect(configuration.path + "/keys", s, flash: .init(text: answer.ok ? "Key \(id) revoked." : answer.message, error: !answer.ok))
    }

    /// A path segment, percent-encoded.
    static func path(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? ""
    }
}
