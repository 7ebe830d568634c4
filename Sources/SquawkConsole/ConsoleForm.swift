import Foundation
import HTTPTypes
import Hummingbird
import SquawkServer

/// An `application/x-www-form-urlencoded` body: every value of every name, in order.
struct ConsoleForm: Sendable {
    var values: [String: [String]] = [:]

    static func read(_ request: Request, _ context: APIContext) async throws -> ConsoleForm {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        return parse(String(buffer: buffer))
    }

    static func parse(_ text: String) -> ConsoleForm {
        var form = ConsoleForm()
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            let name = decode(parts[0])
            form.values[name, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return form
    }

    /// The first value, trimmed; nil when absent or empty.
    func value(_ name: String) -> String? {
        guard let v = values[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// The subscription the form describes, as the API's JSON body. Creating, an empty field is
    /// left out (the API's default); editing, it is sent as null (cleared). A field that must be
    /// JSON and is not is the one error found here.
    func subscriptionBody(editing: Bool) throws(ConsoleFormError) -> [String: Any] {
        var body: [String: Any] = [:]
        func optional(_ name: String, _ value: Any?) {
            if let value { body[name] = value } else if editing { body[name] = NSNull() }
        }
        if let kind = value("targetKind") { body["target"] = ["kind": kind, "id": value("targetId") ?? ""] }
        if let endpoint = value("notifyEndpoint") { body["notifyEndpoint"] = endpoint }
        if let format = value("format") { body["format"] = format }
        let events = all("events").filter { !$0.isEmpty }
        optional("events", events.isEmpty ? nil : events)
        optional("server", value("server"))
        optional("description", value("description"))
        for name in ["maxPerMinute", "maxAge"] {
            if let text = value(name) {
                guard let n = Int(text) else { throw ConsoleFormError(field: name, message: "\(name) must be a whole number") }
                body[name] = n
            } else if editing { body[name] = NSNull() }
        }
        optional("card", value("card"))
        for name in ["filters", "mentions"] {
            if let text = value(name) {
                guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
                    throw ConsoleFormError(field: name, message: "\(name) is not valid JSON")
                }
                body[name] = json
            } else if editing { body[name] = NSNull() }
        }
        return body
    }
}

struct ConsoleFormError: Error {
    var field: String
    var message: String
}
