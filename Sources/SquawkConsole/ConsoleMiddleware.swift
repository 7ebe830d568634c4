import Foundation
import HTTPTypes
import Hummingbird
import SquawkServer

/// Turns the console's own endings into pages: a redirect (to sign-in), a refusal (403 with the
/// reason), a missing page (404); anything else is a plain 500 page that says nothing more.
struct ConsoleMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let console: WebConsole

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let r as ConsoleRedirect {
            return console.redirect(r.location)
        } catch let r as ConsoleRefusal {
            return console.page("message", title: "Refused", session: nil, ["message": r.reason], status: .forbidden)
        } catch let e as any HTTPResponseError where e.status == .notFound {
            return console.page("message", title: "Not found", session: console.session(request), ["message": "There is no such page."], status: .notFound)
        } catch let e as any HTTPResponseError where e.status == .contentTooLarge {
            return console.page("message", title: "Too large", session: nil, ["message": "That form is too large."], status: .contentTooLarge)
        } catch {
            context.logger.error("console page failed", metadata: ["path": "\(request.uri.path)", "error": "\(type(of: error))"])
            return console.page("message", title: "Error", session: nil, ["message": "Something went wrong on the server."], status: .internalServerError)
        }
    }
}
