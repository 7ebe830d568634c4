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
/// - Every FLS answer carries a `Date` header in sim time: the FLS server's own clock.
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

    /// Adds the FLS routes to `router`; `now` is the simulator's clock (sim time).
    func addRoutes(_ router: Router<BasicRequestContext>, now: @escaping @Sendable () -> Date, ledger: RequestLedger) {
        let sim = self
        router.post("/fls/Token") { request, _ -> Response in
            _ = ledger.record(endpoint: "fls_token")
            let body = try await request.body.collect(upTo: 64 << 10)
            let form = Self.form(String(buffer: body))
            guard form["grant_type"] == "password", form["username"] == sim.username, form["password"] == sim.password else {
                return Self.json(#"{"error":"invalid_grant","error_description":"The user name or password is incorrect."}"#, status: .badRequest, now: now())
            }
            return Self.json(#"{"access_token":"\#(sim.token)","token_type":"bearer","expires_in":86399}"#, now: now())
        }
        router.get("/fls/api/v1/flights/exchange/modified/{since}") { request, context -> Response in
            _ = ledger.record(endpoint: "fls_modified")
            guard sim.authorized(request) else { return Self.denied(now: now()) }
            guard let since = context.parameters.get("since").flatMap({ FLSDateTime.parse($0.removingPercentEncoding ?? $0) }) else {
                return Self.json(#"{"Message":"The request is invalid."}"#, status: .badRequest, now: now())
            }
            let at = now()
            return Self.encode(sim.day.modified(since: since, asOf: at), now: at)
        }
        router.get("/fls/api/v1/flights/{flightId}") { request, context -> Response in
            _ = ledger.record(endpoint: "fls_flight")
            guard sim.authorized(request) else { return Self.denied(now: now()) }
            let at = now()
            guard let flight = sim.day.flight(id: context.parameters.get("flightId") ?? "", asOf: at) else {
                return Self.json(#"{"Message":"No flight found."}"#, status: .notFound, now: at)
            }
            return Self.encode(flight, now: at)
        }
        router.get("/_sim/fls/truth") { request, _ -> Response in
            let since = request.uri.queryParameters.get("since").flatMap(Double.init).map { Date(timeIntervalSince1970: $0) } ?? .distantPast
            return Self.encode(sim.day.truth(since: since, asOf: now()), now: now())
        }
    }

    func authorized(_ request: Request) -> Bool {
        request.headers[.authorization] == "Bearer " + token
    }

    // MARK: - Responses

    static func denied(now: Date) -> Response {
        json(#"{"Message":"Authorization has been denied for this request."}"#, status: .unauthorized, now: now)
    }

    static func encode<T: Encodable>(_ value: T, now: Date) -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else {
            return json(#"{"Message":"An error has occurred."}"#, status: .internalServerError, now: now)
        }
        return json(String(decoding: data, as: UTF8.self), now: now)
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok, now: Date) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .date: httpDate(now)],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.string(from: d)
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
