import Foundation
import Hummingbird
import NIOCore
import SquawkFLS

/// The simulated FLS server: a ``ClubDay`` behind FLS's paths, under `/fls` on the simulator's
/// port (so its base URL is `http://HOST:PORT/fls`).
///
/// - `POST /fls/Token`: OAuth2 password grant (`application/x-www-form-urlencoded`); wrong
///   credentials → HTTP 400 `invalid_grant`, as ASP.NET's OAuth server answers.
/// - `GET /fls/api/v1/flights/{flightId}` and `GET /fls/api/v1/flights/exchange/modified/{since}`
///   need `Authorization: Bearer <token>` (else 401); `since` is an ISO 8601 time.
/// - The server's clock is the wall clock: `since` and the `Date` header are wall times (the
///   header is Hummingbird's), while the records' own times are sim times. At time scale 1 the
///   two agree; faster, `since` is mapped onto sim time (``SimulatorHost/simTime(atWall:)``), so
///   a client that bases `since` on the `Date` header or its own clock misses nothing.
/// - `GET /_sim/fls/truth?since=<unix seconds>`: what a watcher should have reported so far.
public struct FLSSimulation: Sendable {
    public var day: ClubDay
    public var username: String
    public var password: String
    /// The one token this server hands out.
    public var token: String

    public init(day: ClubDay, username: String = FLSSimulation.defaultUsername, password: String = FLSSimulation.defaultPassword) {
        self.day = day
        self.username = username
        self.password = password
        var rng = SimRandom(seed: SimRandom.mix(day.configuration.seed, 0x70_4E4))
        self.token = "fls-sim-" + rng.uuid()
    }

    public static let defaultUsername = "club"
    public static let defaultPassword = "club-sim-password"

    /// Adds the FLS routes to `router`; `now` is the simulator's clock (sim time), `simTime` maps
    /// a wall time onto it.
    func addRoutes(_ router: Router<BasicRequestContext>, now: @escaping @Sendable () -> Date,
                   simTime: @escaping @Sendable (Date) -> Date, ledger: RequestLedger) {
        let sim = self
        router.post("/fls/Token") { request, _ -> Response in
            _ = ledger.record(endpoint: "fls_token")
            let body = try await request.body.collect(upTo: 64 << 10)
            let form = Self.form(String(buffer: body))
            guard form["grant_type"] == "password", form["username"] == sim.username, form["password"] == sim.password else {
                return Self.json(#"{"error":"invalid_grant","error_description":"The user name or password is incorrect."}"#, status: .badRequest)
            }
            return Self.json(#"{"access_token":"\#(sim.token)","token_type":"bearer","expires_in":86399}"#)
        }
        router.get("/fls/api/v1/flights/exchange/modified/{since}") { request, context -> Response in
            _ = ledger.record(endpoint: "fls_modified")
            guard sim.authorized(request) else { return Self.denied() }
            guard let wall = context.parameters.get("since").flatMap({ FLSDateTime.parse($0.removingPercentEncoding ?? $0) }) else {
                return Self.json(#"{"Message":"The request is invalid."}"#, status: .badRequest)
            }
            let at = now()
            return Self.encode(sim.day.modified(since: simTime(wall), asOf: at))
        }
        router.get("/fls/api/v1/flights/{flightId}") { request, context -> Response in
            _ = ledger.record(endpoint: "fls_flight")
            guard sim.authorized(request) else { return Self.denied() }
            let at = now()
            guard let flight = sim.day.flight(id: context.parameters.get("flightId") ?? "", asOf: at) else {
                return Self.json(#"{"Message":"No flight found."}"#, status: .notFound)
            }
            return Self.encode(flight)
        }
        router.get("/_sim/fls/truth") { request, _ -> Response in
            let since = request.uri.queryParameters.get("since").flatMap(Double.init).map { Date(timeIntervalSince1970: $0) } ?? .distantPast
            return Self.encode(sim.day.truth(since: since, asOf: now()))
        }
    }

    func authorized(_ request: Request) -> Bool {
        request.headers[.authorization] == "Bearer " + token
    }

    // MARK: - Responses

    static func denied() -> Response {
        json(#"{"Message":"Authorization has been denied for this request."}"#, status: .unauthorized)
    }

    static func encode<T: Encodable>(_ value: T) -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else {
            return json(#"{"Message":"An error has occurred."}"#, status: .internalServerError)
        }
        return json(String(decoding: data, as: UTF8.self))
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// `a=1&b=two+words` → fields (percent- and plus-decoded).
    static func form(_ body: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let k = kv.first else { continue }
            let decode = { (s: Substring) in s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            out[decode(k)] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return out
    }
}
