import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import SquawkServer

/// The console's way to the API: every read and every action is a request to the very router
/// that serves `/v1`, made in process with the signed-in key, so validation, ownership and
/// errors are the API's own (no second code path).
public struct ConsoleAPI: Sendable {
    let responder: RouterResponder<APIContext>

    public init(responder: RouterResponder<APIContext>) { self.responder = responder }

    /// An answer: status and body; `object` when the body is a JSON object.
    struct Answer: Sendable {
        var status: Int
        var body: Data
        var ok: Bool { (200..<300).contains(status) }
        var object: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var list: [[String: Any]] { object["data"] as? [[String: Any]] ?? [] }
        /// The problem's message (its `detail`), for the page.
        var message: String { object["detail"] as? String ?? "the API answered \(status)" }
        var field: String? { object["field"] as? String }
    }

    /// A request as the signed-in session: its key, and for the admin the tenant it looks at.
    func call(_ method: HTTPRequest.Method, _ path: String, session: ConsoleSessions.Session, json: [String: Any]? = nil,
              context: APIContext) async -> Answer {
        await call(method, path, key: session.key, tenant: session.tenant?.id, json: json, context: context)
    }

    func call(_ method: HTTPRequest.Method, _ path: String, key: String, tenant: String? = nil, json: [String: Any]? = nil,
              context: APIContext) async -> Answer {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(key)"
        if let tenant { headers[.squawkTenant] = tenant }
        var body = ByteBuffer()
        if let json, let data = try? JSONSerialization.data(withJSONObject: json) {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: data)
        }
        let request = Request(head: HTTPRequest(method: method, scheme: "http", authority: "console", path: path, headerFields: headers),
                              body: RequestBody(buffer: body))
        var context = context
        context.owner = nil
        do {
            let response = try await responder.respond(to: request, context: context)
            let collector = Collector()
            try await response.body.write(collector)
            return Answer(status: response.status.code, body: collector.data.withLockedValue { $0 })
        } catch {
            return Answer(status: 500, body: Data(#"{"detail": "the request failed inside the server"}"#.utf8))
        }
    }

    struct Collector: ResponseBodyWriter {
        let data = NIOLockedValueBox(Data())
        func write(_ buffer: ByteBuffer) async throws { data.withLockedValue { $0.append(contentsOf: buffer.readableBytesView) } }
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
