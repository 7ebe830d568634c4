import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import SquawkCore
import SquawkServer

/// The web console at `/console`: sign in with an API key, then see and steer subscriptions,
/// deliveries, keys and live traffic. Pages are rendered on the server (Mustache templates
/// shipped as resources, no external assets); every action goes through ``ConsoleAPI``.
public struct WebConsole: Sendable {
    public struct Configuration: Sendable {
        /// Where the console is served (`console.path`).
        public var path = "/console"
        public var sessionIdle: TimeInterval = 30 * 60
        public init() {}
    }

    let configuration: Configuration
    let api: ConsoleAPI
    let sessions: ConsoleSessions
    let templates: MustacheLibrary
    let flights: any LiveFlightDirectory
    let feed: EventFeed?
    let airports: AirportIndex
    let now: @Sendable () -> Date

    /// `api` is a second instance of the API router over the same dependencies (`APIRouter.make(deps).router`).
    public init(configuration: Configuration = .init(), api: Router<APIContext>, flights: any LiveFlightDirectory, feed: EventFeed?,
                airports: AirportIndex = .bundled, now: @escaping @Sendable () -> Date = { Date() }) async throws {
        self.configuration = configuration
        self.api = ConsoleAPI(responder: api.buildResponder())
        self.sessions = ConsoleSessions(idle: configuration.sessionIdle)
        self.templates = try await Self.loadTemplates()
        self.flights = flights
        self.feed = feed
        self.airports = airports
        self.now = now
    }

    static func loadTemplates() async throws -> MustacheLibrary {
        guard let root = resource("templates") else { throw ConsoleError("the console's templates are missing from the build") }
        let library = try await MustacheLibrary(directory: root.path)
        guard library.getTemplate(named: "layout") != nil else { throw ConsoleError("the console's templates are missing from \(root.path)") }
        return library
    }

    /// A folder of the copied `Resources` (Foundation puts a bundle's resource URL at or inside it, depending on the platform).
    static func resource(_ folder: String) -> URL? {
        let candidates = [Bundle.module.resourceURL?.appendingPathComponent(folder),
                          Bundle.module.resourceURL?.appendingPathComponent("Resources/" + folder),
                          Bundle.module.bundleURL.appendingPathComponent("Resources/" + folder)].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    static let staticFiles: [String: Data] = {
        guard let root = resource("static"), let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return [:] }
        return Dictionary(uniqueKeysWithValues: names.compactMap { n in (try? Data(contentsOf: root.appendingPathComponent(n))).map { (n, $0) } })
    }()

    static func staticFile(_ name: String) -> Data? { staticFiles[name] }

    /// Adds the console's routes to `router`.
    public func register(on router: Router<APIContext>) {
        let base = configuration.path
        let g = router.group(RouterPath(String(base.dropFirst()))).add(middleware: ConsoleMiddleware(console: self))
        g.get("") { r, c in try await self.overview(r, c) }
        g.get("signin") { r, c in self.signInPage(r, error: nil) }
        g.post("signin") { r, c in try await self.signIn(r, c) }
        g.post("signout") { r, c in try await self.signOut(r, c) }
        g.get("static/:file") { _, c in try self.asset(c) }
        g.get("subscriptions") { r, c in try await self.subscriptions(r, c) }
        g.post("tenant") { r, c in try await self.chooseTenant(r, c) }
        g.get("subscriptions/new") { r, c in try await self.newSubscription(r, c) }
        g.post("subscriptions") { r, c in try await self.submitSubscription(r, c, id: nil) }
        g.get("subscriptions/:id") { r, c in try await self.subscription(r, c) }
        g.get("subscriptions/:id/edit") { r, c in try await self.editSubscription(r, c) }
        g.post("subscriptions/:id") { r, c in try await self.submitSubscription(r, c, id: try c.parameters.require("id")) }
        g.post("subscriptions/:id/:action") { r, c in try await self.subscriptionAction(r, c) }
        g.get("deliveries/:id") { r, c in try await self.delivery(r, c) }
        g.post("deliveries/:id/redeliver") { r, c in try await self.redeliver(r, c) }
        g.get("live") { r, c in try await self.live(r, c) }
        g.get("live/map") { r, c in try await self.liveMap(r, c) }
        g.get("live/events") { r, c in try await self.liveEvents(r, c) }
        g.get("keys") { r, c in try await self.keys(r, c) }
        g.post("keys") { r, c in try await self.createKey(r, c) }
        g.post("keys/:id/revoke") { r, c in try await self.revokeKey(r, c) }
    }

    // MARK: - Sessions and forms

    static let cookieName = "squawk_console"

    /// The signed-in session of this request, if any.
    func session(_ request: Request) -> ConsoleSessions.Session? {
        guard let id = Self.cookie(request, Self.cookieName) else { return nil }
        return sessions.session(id, now: now())
    }

    static func cookie(_ request: Request, _ name: String) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(name + "=") { return String(pair.dropFirst(name.count + 1)) }
            }
        }
        return nil
    }

    /// The session of a page request, or a redirect to sign-in.
    func signedIn(_ request: Request) throws -> ConsoleSessions.Session {
        guard let s = session(request) else { throw ConsoleRedirect(configuration.path + "/signin") }
        return s
    }

    /// The form of a POST that may change something: only from a signed-in console page of this
    /// site (SameSite=Strict cookie, same Origin, the session's CSRF token). Anything else is a 403.
    func checkedForm(_ request: Request, _ context: APIContext) async throws -> (ConsoleSessions.Session, ConsoleForm) {
        guard let s = session(request) else {
            throw ConsoleRefusal("you are not signed in (or your session ended); sign in again")
        }
        try Self.checkOrigin(request)
        let form = try await ConsoleForm.read(request, context)
        guard let token = form.value("_csrf"), KeyHash.constantTimeEqual(token, s.csrf) else {
            throw ConsoleRefusal("this form did not come from your console page (its CSRF token is missing or wrong); reload the page and try again")
        }
        return (s, form)
    }

    /// A browser names where a form came from: another site's page may not post here.
    static func checkOrigin(_ request: Request) throws {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site == "cross-site" {
            throw ConsoleRefusal("a form from another site may not act on your console")
        }
        if let origin = request.headers[HTTPField.Name("Origin")!], origin != "null", let host = request.head.authority {
            let originHost = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init)
            guard originHost == host else { throw ConsoleRefusal("a form from another site (\(origin)) may not act on your console") }
        } else if request.headers[HTTPField.Name("Origin")!] == "null" {
            throw ConsoleRefusal("a form from an opaque origin may not act on your console")
        }
    }

    func setCookie(_ value: String, request: Request, maxAge: Int? = nil) -> String {
        var cookie = "\(Self.cookieName)=\(value); Path=\(configuration.path); HttpOnly; SameSite=Strict"
        let tls = request.head.scheme == "https" || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
        if tls { cookie += "; Secure" }
        if let maxAge { cookie += "; Max-Age=\(maxAge)" }
        return cookie
    }

    /// A 303 to `location` (after a POST), with an optional message for the next page.
    func redirect(_ location: String, _ session: ConsoleSessions.Session? = nil, flash: ConsoleSessions.Flash? = nil) -> Response {
        if let session, let flash { sessions.setFlash(session.id, flash) }
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    func asset(_ context: APIContext) throws -> Response {
        let name = try context.parameters.require("file")
        guard let data = Self.staticFile(name) else { throw HTTPError(.notFound) }
        var headers = HTTPFields()
        headers[.contentType] = name.hasSuffix(".css") ? "text/css; charset=utf-8" : name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "application/octet-stream"
        headers[.cacheControl] = "max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

struct ConsoleError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Ends a handler with a redirect (to sign-in, mostly).
struct ConsoleRedirect: Error {
    var location: String
    init(_ location: String) { self.location = location }
}

/// Ends a handler with a 403 page that says why.
struct ConsoleRefusal: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
