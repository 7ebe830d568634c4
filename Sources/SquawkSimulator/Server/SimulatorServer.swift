import Foundation
import Hummingbird
import NIOCore
import SquawkCore
import SquawkLiveAPI

// MARK: - SimulatorServer

/// The simulator's HTTP face: a Hummingbird router serving a ``World`` (or a replay) with the
/// Live API's paths and shapes, plus `/_sim/truth`, `/_sim/stats` and `/_sim/time`.
///
/// Run it in-process (`Application(router: server.router(), …)`) on any port; tests use port 0.
///
/// Rules enforced on `/public/v2/…` (the `/_sim/…` endpoints need no key and are not counted):
/// - the key, as `Authorization: Bearer K` or `?apikey=K`; missing or wrong → `errorCode` 4
///   (NotAuthorized) with ``SimulatorOptions/notAuthorizedStatus``;
/// - at most ``SimulatorOptions/rateLimitPerMinute`` requests per sliding minute per key →
///   HTTP 429 with `Retry-After`;
/// - domain errors in the body with HTTP 200: unknown session 5, unknown flight 6, no ATIS 7,
///   unknown user 1, missing parameters 2;
/// - faults from ``FaultOptions`` (latency, 5xx, malformed JSON, stalls).
public struct SimulatorServer: Sendable {
    public let host: SimulatorHost
    public let options: SimulatorOptions
    /// The FLS server served under `/fls`, if any.
    public let fls: FLSSimulation?
    let ledger = RequestLedger()

    public init(host: SimulatorHost, options: SimulatorOptions, fls: FLSSimulation? = nil) {
        self.host = host
        self.options = options
        self.fls = fls
    }

    /// Requests counted so far (what `/_sim/stats` returns).
    public var stats: SimulatorStats { ledger.stats }

    // MARK: - Router

    /// A router with every endpoint.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: LiveAPIGate(server: self))
        addSimRoutes(router)
        if host.hasWorld { addWorldRoutes(router) } else { addReplayRoutes(router) }
        let host = self.host
        fls?.addRoutes(router, now: { host.simNow }, simTime: { host.simTime(atWall: $0) }, ledger: ledger)
        return router
    }

    /// `/_sim/truth?since=<unix seconds>[&source=fls]`, `/_sim/stats`, `/_sim/time`.
    func addSimRoutes(_ router: Router<BasicRequestContext>) {
        let host = self.host
        let ledger = self.ledger
        let fls = self.fls
        router.get("/_sim/truth") { request, _ -> Response in
            let since = request.uri.queryParameters.get("since").flatMap(Double.init)
                .map { Date(timeIntervalSince1970: $0) } ?? .distantPast
            // `?source=fls`: the FLS club day's truth (also at `/_sim/fls/truth`).
            if request.uri.queryParameters.get("source") == "fls" {
                return FLSSimulation.encode(fls?.day.truth(since: since, asOf: host.simNow) ?? [])
            }
            let events = host.withWorld { $0.truth(since: since) } ?? []
            return Self.jsonResponse(try Self.plainEncoder().encode(events))
        }
        router.get("/_sim/stats") { _, _ -> Response in
            Self.jsonResponse(try Self.plainEncoder().encode(ledger.stats))
        }
        router.get("/_sim/time") { _, _ -> Response in
            struct SimTime: Encodable { var now: String; var unix: Double; var timeScale: Double }
            let now = host.withWorld { $0.now } ?? host.simNow
            return Self.jsonResponse(try Self.plainEncoder().encode(
                SimTime(now: TruthEvent.formatDate(now), unix: now.timeIntervalSince1970, timeScale: host.timeScale)))
        }
    }

    /// The Live API endpoints, answered from the world.
    func addWorldRoutes(_ router: Router<BasicRequestContext>) {
        let v2 = router.group("/public/v2")
        let host = self.host
        /// Runs `body` on the world and wraps its value (or its Live API error) in an envelope.
        @Sendable func serve<T: Encodable & Sendable>(_ body: @escaping (World) throws(LiveAPIFailure) -> T) -> Response {
            let outcome: Result<T, LiveAPIFailure>? = host.withWorld { world in
                do throws(LiveAPIFailure) { return .success(try body(world)) } catch { return .failure(error) }
            }
            switch outcome {
            case .success(let value)?: return Self.envelope(value)
            case .failure(let failure)?: return Self.failure(failure.code)
            case nil: return Self.failure(LiveAPIFailure.endpointError.code)
            }
        }
        v2.get("/sessions") { _, _ in serve { $0.sessionInfos() } }
        v2.get("/sessions/{sid}/flights") { _, c in
            let sid = c.parameters.get("sid") ?? ""
            return serve { w throws(LiveAPIFailure) in try w.flightEntries(server: sid) }
        }
        v2.get("/sessions/{sid}/flights/{fid}/route") { _, c in
            let sid = c.parameters.get("sid") ?? "", fid = c.parameters.get("fid") ?? ""
            return serve { w throws(LiveAPIFailure) in try w.routeReports(server: sid, flight: fid) }
        }
        v2.get("/sessions/{sid}/flights/{fid}/flightplan") { _, c in
            let sid = c.parameters.get("sid") ?? "", fid = c.parameters.get("fid") ?? ""
            return serve { w throws(LiveAPIFailure) in try w.flightPlanInfo(server: sid, flight: fid) }
        }
        v2.get("/sessions/{sid}/atc") { _, c in
            let sid = c.parameters.get("sid") ?? ""
            return serve { w throws(LiveAPIFailure) in try w.facilities(server: sid) }
        }
        v2.get("/sessions/{sid}/world") { _, c in
            let sid = c.parameters.get("sid") ?? ""
            return serve { w throws(LiveAPIFailure) in try w.worldStatus(server: sid) }
        }
        v2.get("/sessions/{sid}/notams") { _, c in
            let sid = c.parameters.get("sid") ?? ""
            return serve { w throws(LiveAPIFailure) in try w.notams(server: sid) }
        }
        v2.get("/sessions/{sid}/airport/{icao}/atis") { _, c in
            let sid = c.parameters.get("sid") ?? "", icao = c.parameters.get("icao") ?? ""
            return serve { w throws(LiveAPIFailure) in try w.atisText(server: sid, icao: icao) }
        }
        v2.get("/sessions/{sid}/airport/{icao}/status") { _, c in
            let sid = c.parameters.get("sid") ?? "", icao = c.parameters.get("icao") ?? ""
            return serve { w throws(LiveAPIFailure) in try w.airportStatus(server: sid, icao: icao) }
        }
        v2.post("/users") { request, _ in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            guard let body = try? JSONDecoder().decode(UserStatsRequest.self, from: Data(buffer: bytes)) else {
                return Self.failure(LiveAPIFailure.missingParameters.code)
            }
            return serve { w throws(LiveAPIFailure) in try w.userStats(body) }
        }
        v2.get("/users/{uid}") { _, c in
            let uid = c.parameters.get("uid") ?? ""
            return serve { w throws(LiveAPIFailure) in try w.gradeInfo(user: uid) }
        }
        v2.get("/users/{uid}/flights") { request, c in
            let uid = c.parameters.get("uid") ?? ""
            let page = request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1
            return serve { w throws(LiveAPIFailure) in try w.userFlights(user: uid, page: page) }
        }
        v2.get("/users/{uid}/flights/{fid}") { _, c in
            let uid = c.parameters.get("uid") ?? "", fid = c.parameters.get("fid") ?? ""
            return serve { w throws(LiveAPIFailure) in try w.userFlight(user: uid, flight: fid) }
        }
        v2.get("/users/{uid}/atc") { request, c in
            let uid = c.parameters.get("uid") ?? ""
            let page = request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1
            return serve { w throws(LiveAPIFailure) in try w.userATCSessions(user: uid, page: page) }
        }
        v2.get("/users/{uid}/atc/{sid}") { _, c in
            let uid = c.parameters.get("uid") ?? "", sid = c.parameters.get("sid") ?? ""
            return serve { w throws(LiveAPIFailure) in try w.userATCSession(user: uid, session: sid) }
        }
        v2.get("/tracks") { _, _ in serve { StaticCatalog.tracks(now: $0.now) } }
        v2.get("/aircraft") { _, _ in Self.envelope(StaticCatalog.aircraft) }
        v2.get("/aircraft/liveries") { _, _ in Self.envelope(StaticCatalog.allLiveries) }
        v2.get("/aircraft/{aid}/liveries") { _, c in
            Self.envelope(StaticCatalog.liveries(aircraft: c.parameters.get("aid") ?? ""))
        }
    }

    /// Every `/public/v2/…` GET answered from the recording (the latest record at or before
    /// sim time); paths never recorded get `errorCode` 3 (EndpointError) with HTTP 404.
    func addReplayRoutes(_ router: Router<BasicRequestContext>) {
        let host = self.host
        router.get("/public/v2/**") { request, _ -> Response in
            guard let store = host.replay, let body = store.body(path: request.uri.path, at: host.simNow) else {
                return Self.failure(LiveAPIFailure.endpointError.code, status: .notFound)
            }
            return Self.jsonResponse(body)
        }
    }

    // MARK: - Responses

    /// Encoder for `/_sim/…` (sorted keys, so equal values give equal bytes).
    static func plainEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// `{"errorCode": 0, "result": value}` with the Live API client's own encoder.
    static func envelope<T: Encodable>(_ value: T) -> Response {
        do {
            return jsonResponse(try LiveAPIDate.makeEncoder().encode(LiveAPIEnvelope(errorCode: 0, result: value)))
        } catch {
            return failure(LiveAPIFailure.endpointError.code, status: .internalServerError)
        }
    }

    /// `{"errorCode": code, "result": null}`.
    static func failure(_ code: Int, status: HTTPResponse.Status = .ok) -> Response {
        let body = Data("{\"errorCode\":\(code),\"result\":null}".utf8)
        var r = jsonResponse(body)
        r.status = status
        return r
    }

    /// HTTP 200 with a JSON body.
    static func jsonResponse(_ data: Data) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

// MARK: - LiveAPIGate

/// The middleware in front of `/public/v2/…`: counting, auth, budget and faults, in that order.
struct LiveAPIGate: RouterMiddleware {
    typealias Context = BasicRequestContext
    let server: SimulatorServer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/public/") else { return try await next(request, context) }
        let options = server.options
        let sequence = server.ledger.record(endpoint: EndpointName.of(path: path, method: request.method))
        // Auth: bearer header or ?apikey=.
        let bearer = request.headers[.authorization].flatMap { value -> String? in
            let parts = value.split(separator: " ", maxSplits: 1)
            return parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : nil
        }
        let key = bearer ?? request.uri.queryParameters.get("apikey")
        guard let key, key == options.apiKey else {
            return SimulatorServer.failure(LiveAPIFailure.notAuthorized.code,
                                           status: HTTPResponse.Status(code: options.notAuthorizedStatus))
        }
        if let retry = server.ledger.admit(key: key, now: server.host.wallNow(), limit: options.rateLimitPerMinute) {
            return Response(status: .tooManyRequests,
                            headers: [.retryAfter: String(retry), .contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "Too Many Requests")))
        }
        let faults = options.faults
        guard faults.isActive else { return try await next(request, context) }
        var rng = SimRandom(seed: SimRandom.mix(options.faultSeed, 0xFA_0175, sequence))
        let serverError = rng.chance(faults.serverErrorRate)
        let malformed = rng.chance(faults.malformedRate)
        let stall = rng.chance(faults.stallRate)
        let statusPick = rng.int(0...2)
        if faults.latencyMilliseconds > 0 { try await Task.sleep(for: .milliseconds(faults.latencyMilliseconds)) }
        if stall { try await Task.sleep(for: .seconds(faults.stallSeconds)) }
        if serverError {
            let status: HTTPResponse.Status = [.internalServerError, .badGateway, .serviceUnavailable][statusPick]
            return Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "simulated failure")))
        }
        let response = try await next(request, context)
        guard malformed else { return response }
        return SimulatorServer.jsonResponse(Data("{\"errorCode\":0,\"result\":[{\"flightId\":\"".utf8))
    }
}

// MARK: - EndpointName

/// Names a `/public/v2/…` request like `LiveAPIEndpoints` does, for `/_sim/stats`.
enum EndpointName {
    /// The endpoint name of a request path (`unknown` when it is none).
    static func of(path: String, method: HTTPRequest.Method) -> String {
        let p = path.split(separator: "/").map(String.init)
        guard p.count >= 3, p[0] == "public", p[1] == "v2" else { return "unknown" }
        let r = Array(p.dropFirst(2))
        switch (r.first, r.count) {
        case ("sessions", 1): return "sessions"
        case ("sessions", 3): return ["flights": "flights", "atc": "atc", "world": "world", "notams": "notams"][r[2]] ?? "unknown"
        case ("sessions", 5) where r[2] == "flights": return r[4] == "route" ? "route" : r[4] == "flightplan" ? "flightplan" : "unknown"
        case ("sessions", 5) where r[2] == "airport": return r[4] == "atis" ? "atis" : r[4] == "status" ? "airport_status" : "unknown"
        case ("users", 1): return method == .post ? "user_stats" : "unknown"
        case ("users", 2): return "user_grade"
        case ("users", 3): return r[2] == "flights" ? "user_flights" : r[2] == "atc" ? "user_atc_sessions" : "unknown"
        case ("users", 4): return r[2] == "flights" ? "user_flight" : r[2] == "atc" ? "user_atc_session" : "unknown"
        case ("tracks", 1): return "tracks"
        case ("aircraft", 1): return "aircraft"
        case ("aircraft", 2): return r[1] == "liveries" ? "all_liveries" : "unknown"
        case ("aircraft", 3): return "aircraft_liveries"
        default: return "unknown"
        }
    }
}
