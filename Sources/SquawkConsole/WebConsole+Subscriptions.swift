import Foundation
import HTTPTypes
import Hummingbird
import SquawkCore
import SquawkServer

/// Subscriptions and their deliveries: list, create and edit (with the dry run's answer), the
/// actions, the delivery log and each delivery's attempts and payload.
extension WebConsole {
    static let pageSize = 50

    func subscriptions(_ request: Request, _ context: APIContext) async throws -> Response {
        let s = try signedIn(request)
        let q = request.uri.queryParameters
        var query = ["limit=\(Self.pageSize)"]
        var filters: [String: Any] = [:]
        for name in ["kind", "status", "format", "targetId", "cursor"] {
            if let v = q[Substring(name)], !v.isEmpty {
                query.append("\(name)=\(Self.path(String(v)))")
                filters[name] = String(v)
                if name != "cursor" && name != "targetId" { filters["\(name)_\(v)"] = true }
            }
        }
        async let listAnswer = api.call(.get, "/v1/subscriptions?" + query.joined(separator: "&"), session: s, context: context)
        async let choices = tenantChoices(s, context)
        let (answer, tenants) = await (listAnswer, choices)
        guard answer.ok else { return page("message", title: "Subscriptions", session: s, nav: "subscriptions", ["message": answer.message], status: .badRequest) }
        let rows = answer.list.map(Self.row)
        var next: String?
        if let cursor = answer.object["nextCursor"] as? String {
            next = "?" + (query.dropFirst().filter { !$0.hasPrefix("cursor=") } + ["cursor=\(Self.path(cursor))"]).joined(separator: "&")
        }
        return page("subscriptions", title: "Subscriptions", session: s, nav: "subscriptions",
                    ["rows": rows, "empty": rows.isEmpty, "next": next as Any, "filters": filters, "tenants": tenants as Any, "hasTenants": tenants != nil,
                     "kinds": TargetKind.allCases.map { ["value": $0.rawValue, "selected": filters["kind"] as? String == $0.rawValue] },
                     "formats": PayloadFormat.allCases.map { ["value": $0.rawValue, "selected": filters["format"] as? String == $0.rawValue] }])
    }

    static func row(_ o: [String: Any]) -> [String: Any] {
        let target = o["target"] as? [String: Any] ?? [:]
        let kind = target["kind"] as? String ?? ""
        let server = ["server", "fls_flight", "fls_club"].contains(kind) ? "" : "on " + (o["server"] as? String ?? "every server")
        return ["id": o["id"] ?? "", "kind": kind, "target": target["id"] ?? "", "server": server,
                "format": o["format"] ?? "", "endpoint": o["notifyEndpoint"] ?? "", "status": o["status"] ?? "",
                "active": o["status"] as? String == "active", "reason": o["disabledReason"] as? String as Any,
                "description": o["description"] as? String as Any, "events": (o["events"] as? [String] ?? []).joined(separator: ", ")]
    }

    func newSubscription(_ request: Request, _ context: APIContext) async throws -> Response {
        let s = try signedIn(request)
        return formPage(s, id: nil, values: ["format": "json", "targetKind": "callsign"], events: [])
    }

    func editSubscription(_ request: Request, _ context: APIContext) async throws -> Response {
        let s = try signedIn(request)
        let id = try context.parameters.require("id")
        let answer = await api.call(.get, "/v1/subscriptions/\(Self.path(id))", session: s, context: context)
        guard answer.ok else { return page("message", title: "Subscription", session: s, nav: "subscriptions", ["message": answer.message], status: .notFound) }
        let o = answer.object
        let target = o["target"] as? [String: Any] ?? [:]
        func json(_ v: Any?) -> String {
            guard let v, !(v is NSNull), let d = try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .fragmentsAllowed]) else { return "" }
            return String(decoding: d, as: UTF8.self)
        }
        var values: [String: String] = ["targetKind": target["kind"] as? String ?? "", "targetId": target["id"] as? String ?? "",
                                        "notifyEndpoint": o["notifyEndpoint"] as? String ?? "", "format": o["format"] as? String ?? "",
                                        "server": o["server"] as? String ?? "", "description": o["description"] as? String ?? "",
                                        "card": o["card"] as? String ?? "", "filters": json(o["filters"]), "mentions": json(o["mentions"])]
        for n in ["maxPerMinute", "maxAge"] { values[n] = (o[n] as? Int).map(String.init) ?? "" }
        return formPage(s, id: id, values: values, events: Set(o["events"] as? [String] ?? []))
    }

    /// The create/edit form with `values` filled in; `answer` is the dry run's or the API's error.
    func formPage(_ s: ConsoleSessions.Session, id: String?, values: [String: String], events: Set<String>, check: String? = nil,
                  error: String? = nil, errorField: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var data: [String: Any] = values
        data["editing"] = id != nil
        data["id"] = id as Any
        data["action"] = configuration.path + "/subscriptions" + (id.map { "/" + Self.path($0) } ?? "")
        data["kinds"] = TargetKind.allCases.map { ["value": $0.rawValue, "selected": values["targetKind"] == $0.rawValue] }
        data["formats"] = PayloadFormat.allCases.map { ["value": $0.rawValue, "selected": values["format"] == $0.rawValue] }
        data["events"] = EventType.allCases.filter { $0 != .subscriptionTest }.map { ["value": $0.rawValue, "checked": events.contains($0.rawValue)] }
        data["cardLive"] = values["card"] == "live"
        data["check"] = check as Any
        if let errorField { data["errorField"] = errorField }
        return page("subscription-form", title: id == nil ? "New subscription" : "Edit \(id!)", session: s, nav: "subscriptions", data,
                    status: status, error: error)
    }

    /// Create (or, with `id`, update) from the form; "check" asks the API's dry run and shows its answer.
    func submitSubscription(_ request: Request, _ context: APIContext, id: String?) async throws -> Response {
        let (s, form) = try await checkedForm(request, context)
        var values: [String: String] = [:]
        for n in ["targetKind", "targetId", "notifyEndpoint", "format", "server", "description", "maxPerMinute", "maxAge", "card", "filters", "mentions"] {
            values[n] = form.value(n) ?? ""
        }
        let events = Set(form.all("events"))
        let body: [String: Any]
        do { body = try form.subscriptionBody(editing: id != nil) } catch {
            return formPage(s, id: id, values: values, events: events, error: error.message, errorField: error.field, status: .unprocessableContent)
        }
        if form.value("intent") == "check" {
            // The dry run validates the whole subscription as a create would (for an edit too).
            var full = body.filter { !($0.value is NSNull) }
            if id != nil, full["target"] == nil { full["target"] = ["kind": values["targetKind"] ?? "", "id": values["targetId"] ?? ""] }
            let answer = await api.call(.post, "/v1/subscriptions?dryRun=true", session: s, json: full, context: context)
            guard answer.ok else {
                return formPage(s, id: id, values: values, events: events, error: answer.message, errorField: answer.field, status: .unprocessableContent)
            }
            let live = await flights.latestFlights()
            let matching = live.flatMap { LiveMatch.count(kind: values["targetKind"] ?? "", id: values["targetId"] ?? "", server: values["server"], flights: $0) }
            let watches = answer.object["watches"] as? String ?? "valid"
            let now = matching.map { "; \($0) flight\($0 == 1 ? "" : "s") match\($0 == 1 ? "es" : "") now" } ?? ""
            return formPage(s, id: id, values: values, events: events, check: "This would deliver \(watches)\(now).")
        }
        let answer = id == nil
            ? await api.call(.post, "/v1/subscriptions", session: s, json: body, context: context)
            : await api.call(.patch, "/v1/subscriptions/\(Self.path(id!))", session: s, json: body, context: context)
        guard answer.ok, let saved = answer.object["id"] as? String else {
            return formPage(s, id: id, values: values, events: events, error: answer.message, errorField: answer.field,
                            status: answer.status == 404 ? .notFound : .unprocessableContent)
        }
        let flash: ConsoleSessions.Flash = id == nil
            ? .init(text: "Subscription created. Its signing secret is shown only now: copy it to your receiver.", error: false,
                    secret: answer.object["secret"] as? String)
            : .init(text: "Subscription saved.", error: false)
        return redirect(configuration.path + "/subscriptions/" + Self.path(saved), s, flash: flash)
    }

    func subscription(_ request: Request, _ context: APIContext) async throws -> Response {
        let s = try signedIn(request)
        let id = try context.parameters.require("id")
        var query = "limit=\(Self.pageSize)"
        let q = request.uri.queryParameters
        if let status = q["status"], !status.isEmpty { query += "&status=\(Self.path(String(status)))" }
        if let cursor = q["cursor"], !cursor.isEmpty { query += "&cursor=\(Self.path(String(cursor)))" }
        async let subAnswer = api.call(.get, "/v1/subscriptions/\(Self.path(id))", session: s, context: context)
        async let logAnswer = api.call(.get, "/v1/subscriptions/\(Self.path(id))/deliveries?\(query)", session: s, context: context)
        let (sub, log) = await (subAnswer, logAnswer)
        guard sub.ok else { return page("message", title: "Subscription", session: s, nav: "subscriptions", ["message": sub.message], status: .notFound) }
        let deliveries = log.list.map { d -> [String: Any] in
            ["id": d["id"] ?? "", "event": d["eventId"] ?? "", "sequence": d["sequence"] ?? 0, "status": d["status"] ?? "",
             "attempts": d["attempts"] ?? 0, "code": d["lastStatusCode"] as? Int as Any, "error": d["lastError"] as? String as Any,
             "next": d["status"] as? String == "pending" ? d["nextAttemptAt"] as Any : NSNull(), "created": d["createdAt"] ?? ""]
        }
        var next: String?
        if let cursor = log.object["nextCursor"] as? String { next = "?cursor=\(Self.path(cursor))" + (q["status"].map { "&status=\($0)" } ?? "") }
        var data = Self.row(sub.object)
        data["deliveries"] = deliveries
        data["noDeliveries"] = deliveries.isEmpty
        data["next"] = next as Any
        data["logError"] = log.ok ? nil : log.message
        data["secrets"] = (sub.object["secrets"] as? [[String: Any]] ?? []).map { ["created": $0["createdAt"] ?? "", "expires": $0["expiresAt"] as? String ?? "current"] }
        return page("subscription", title: "Subscription \(id)", session: s, nav: "subscriptions", data)
    }

    /// pause, enable, rotate, test, delete, recover: one API call each, then back to the page with its outcome.
    func subscriptionAction(_ request: Request, _ context: APIContext) async throws -> Response {
        let (s, form) = try await checkedForm(request, context)
        let id = try context.parameters.require("id"), action = try context.parameters.require("action")
        let at = "/v1/subscriptions/\(Self.path(id))"
        let back = configuration.path + "/subscriptions/" + Self.path(id)
        let answer: ConsoleAPI.Answer
        var done: String
        var secret: String?
        switch action {
        case "pause": answer = await api.call(.post, at + "/pause", session: s, context: context); done = "Paused: nothing is delivered until you enable it."
        case "enable": answer = await api.call(.post, at + "/enable", session: s, context: context); done = "Enabled."
        case "test": answer = await api.call(.post, at + "/test", session: s, context: context); done = "A test event is on its way."
        case "rotate":
            answer = await api.call(.post, at + "/rotate-secret", session: s, context: context)
            done = "New signing secret (shown only now). The previous one stays valid for 24 hours."
            secret = answer.object["secret"] as? String
        case "recover":
            guard let since = form.value("since") else {
                return redirect(back, s, flash: .init(text: "say since when to recover (a time or unix seconds)", error: true))
            }
            answer = await api.call(.post, at + "/recover?since=\(Self.path(since))", session: s, context: context)
            done = "Requeued \(answer.object["requeued"] as? Int ?? 0) failed deliveries."
        case "delete":
            guard form.value("confirm") == id else {
                return redirect(back, s, flash: .init(text: "to delete, type the subscription's id (\(id)) in the box", error: true))
            }
            answer = await api.call(.delete, at, session: s, context: context)
            if answer.ok { return redirect(configuration.path + "/subscriptions", s, flash: .init(text: "Subscription \(id) deleted.", error: false)) }
            done = ""
        default:
            throw HTTPError(.notFound)
        }
        return redirect(back, s, flash: answer.ok ? .init(text: done, error: false, secret: secret) : .init(text: answer.message, error: true))
    }

    func delivery(_ request: Request, _ context: APIContext) async throws -> Response {
        let s = try signedIn(request)
        let id = try context.parameters.require("id")
        async let deliveryAnswer = api.call(.get, "/v1/deliveries/\(Self.path(id))", session: s, context: context)
        async let payloadAnswer = api.call(.get, "/v1/deliveries/\(Self.path(id))/payload", session: s, context: context)
        let (d, payload) = await (deliveryAnswer, payloadAnswer)
        guard d.ok else { return page("message", title: "Delivery", session: s, nav: "subscriptions", ["message": d.message], status: .notFound) }
        let o = d.object
        let attempts = (o["attemptLog"] as? [[String: Any]] ?? []).map { a -> [String: Any] in
            ["n": a["attempt"] ?? 0, "at": a["at"] ?? "", "code": a["statusCode"] as? Int as Any, "latency": a["latencyMs"] ?? 0,
             "response": a["responseSnippet"] as? String as Any, "error": a["error"] as? String as Any]
        }
        var pretty = String(decoding: payload.body, as: UTF8.self)
        if let json = try? JSONSerialization.jsonObject(with: payload.body),
           let data = try? JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) {
            pretty = String(decoding: data, as: UTF8.self)
        }
        return page("delivery", title: "Delivery \(id)", session: s, nav: "subscriptions", [
            "id": id, "subscription": o["subscriptionId"] ?? "", "event": o["eventId"] ?? "", "status": o["status"] ?? "",
            "sequence": o["sequence"] ?? 0, "created": o["createdAt"] ?? "", "completed": o["completedAt"] as? String as Any,
            "next": o["status"] as? String == "pending" ? o["nextAttemptAt"] as Any : NSNull(),
            "attempts": attempts, "noAttempts": attempts.isEmpty, "payload": payload.ok ? pretty : payload.message,
        ])
    }

    func redeliver(_ request: Request, _ context: APIContext) async throws -> Response {
        let (s, _) = try await checkedForm(request, context)
        let id = try context.parameters.require("id")
        let answer = await api.call(.post, "/v1/deliveries/\(Self.path(id))/redeliver", session: s, context: context)
        return redirect(configuration.path + "/deliveries/" + Self.path(id), s,
                        flash: answer.ok ? .init(text: "Queued for delivery again.", error: false) : .init(text: answer.message, error: true))
    }
}
