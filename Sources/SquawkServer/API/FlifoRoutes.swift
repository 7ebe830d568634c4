import Foundation
import HTTPTypes
import Hummingbird
import SquawkCore
import SquawkStore

/// `GET /flifo/v3/flight/{airport}/{airline}/{flightNumber}/{adi}` — SITA FLIFO v3
/// FlightRecord, answered from the latest Live API snapshot (seed 004).
///
/// Airline + flight number map to Infinite Flight callsigns through ``AirlineDirectory``
/// (`DL` `40` → `DAL40`, `DL40`, `Delta 40`, optionally `Heavy`). The airport is an IATA code
/// (an ICAO code is accepted too). With `adi=D` the flight must depart from the airport, with
/// `A` arrive there, as far as its flight plan tells; a flight without a plan matches either.
/// `subscribeForUpdates=true` creates a `flifo`-format subscription to that flight (target kind
/// `flight`, so it ends by itself once the flight has landed and gone offline).
///
/// Errors use FLIFO's payload, in valid JSON:
/// | HTTP | code | when |
/// | --- | --- | --- |
/// | 400 | 2027 | `notifyEndpoint` longer than 256 characters |
/// | 400 | 9999 | `subscribeForUpdates=true` without `notifyEndpoint` |
/// | 400 | Squawk code (`endpoint_*`, `adi_invalid`, `operation_date_invalid`, `callback_invalid`, `flight_number_invalid`) | other bad input |
/// | 404 | 2020 | unknown airport |
/// | 404 | 2019 | unknown airline |
/// | 404 | 1003 | no upstream data yet (no service) |
/// | 404 | 1001 | no such flight in the latest data |
struct FlifoRoutes: Sendable {
    let deps: APIDependencies
    let directory: any LiveFlightDirectory
    let airlines: AirlineDirectory

    func register(on routes: RouteTable) {
        routes.on(.get, "flifo/v3/flight/:airport/:airline/:flightNumber/:adi",
                  query: ["subscribeForUpdates", "notifyEndpoint", "operationDate", "callback"], responses: [200, 400, 404], flightRecord)
    }

    // MARK: - Handler

    @Sendable func flightRecord(_ request: Request, context: APIContext) async throws -> Response {
        let q = request.uri.queryParameters
        let callback = q["callback"].map(String.init)
        if let callback, !Self.isSafeIdentifier(callback) {
            return FlifoError(.badRequest, "callback_invalid", "callback must be a JavaScript identifier such as handleFlight").response(callback: nil)
        }
        do {
            return try await answer(request, context: context, callback: callback)
        } catch let e as FlifoError {
            return e.response(callback: callback)
        }
    }

    private func answer(_ request: Request, context: APIContext, callback: String?) async throws -> Response {
        let owner = try context.requireOwner()
        let q = request.uri.queryParameters
        let airportCode = try context.parameters.require("airport").uppercased()
        let airlineCode = try context.parameters.require("airline").uppercased()
        let flightNumber = try context.parameters.require("flightNumber")
        let adi = try context.parameters.require("adi").uppercased()
        let subscribe: Bool
        switch q["subscribeForUpdates"]?.lowercased() {
        case nil, "false": subscribe = false
        case "true": subscribe = true
        default: throw FlifoError(.badRequest, "subscribe_invalid", "subscribeForUpdates must be true or false")
        }
        let endpoint = q["notifyEndpoint"].map(String.init)
        if let endpoint, endpoint.count > EndpointPolicy.maxLength {
            throw FlifoError(.badRequest, .number(2027), "url too long. max length is \(EndpointPolicy.maxLength)", extra: ["notifyEndpoint": .string(endpoint)])
        }
        if subscribe, endpoint == nil || endpoint?.isEmpty == true {
            throw FlifoError(.badRequest, "9999", "Notification Endpoint required", extra: ["notifyEndpoint": .null])
        }
        if subscribe, let endpoint {
            do { try deps.rules.endpointPolicy.validate(endpoint) } catch {
                throw FlifoError(.badRequest, error.code, error.message, extra: ["notifyEndpoint": .string(endpoint)])
            }
        }
        guard adi == "A" || adi == "D" else { throw FlifoError(.badRequest, "adi_invalid", "adi must be A (arrival) or D (departure)") }
        guard !flightNumber.isEmpty, flightNumber.count <= 5, flightNumber.allSatisfy(\.isNumber) else {
            throw FlifoError(.badRequest, "flight_number_invalid", "flightNumber must be 1–5 digits")
        }
        let flightDate: String
        if let d = q["operationDate"] {
            guard Self.isDate(String(d)) else { throw FlifoError(.badRequest, "operation_date_invalid", "operationDate must be YYYY-MM-DD") }
            flightDate = String(d)
        } else {
            flightDate = String(ISO8601.format(deps.now()).prefix(10))
        }
        guard let airport = resolveAirport(airportCode) else {
            throw FlifoError(.notFound, "2020", "Airport not found", extra: ["airportCode": .string(airportCode)])
        }
        guard let airline = airlines[airlineCode] else {
            throw FlifoError(.notFound, "2019", "Airline not found", extra: ["airlineCode": .string(airlineCode)])
        }
        guard let flights = await directory.latestFlights() else {
            throw FlifoError(.notFound, "1003", "No service available")
        }
        let callsigns = AirlineDirectory.callsigns(airline, number: flightNumber)
        let candidates = flights.filter { AirlineDirectory.matches($0.flight.callsign, callsigns) }
        let matching = candidates.filter { v in
            guard let plan = v.plan else { return true }
            return adi == "D" ? plan.origin == airport.icao : plan.destination == airport.icao
        }
        guard let view = matching.first else {
            throw FlifoError(.notFound, "1001", "No Data available for this request")
        }
        if subscribe, let endpoint {
            let now = deps.now()
            var r = SubscriptionRequest()
            r.target = SubscriptionTarget(kind: .flight, id: view.flight.flightId)
            r.notifyEndpoint = endpoint
            r.format = .flifo
            r.server = .some(view.server.id)
            r.description = .some("FLIFO \(airline.iata)\(flightNumber) \(adi == "D" ? "from" : "to") \(airportCode)")
            let sub: Subscription
            do {
                sub = try deps.rules.newSubscription(r, id: deps.makeID("sub", now), owner: owner, now: now)
            } catch {
                throw FlifoError(.badRequest, error.code, error.message)
            }
            let (stored, _) = try await deps.subscriptions.create(sub, secret: SigningSecret(secret: deps.makeSecret(), createdAt: now), idempotency: nil)
            await deps.onChange(.upserted(stored))
        }
        let side: FlifoMessage.Side = adi == "D" ? .departure : .arrival
        let record = FlifoRecord.live(view, airline: airline, flightNumber: flightNumber, adi: side, airports: deps.rules.airports)
        let body = FlifoMessage(airportCode: airportCode, airlineCode: airlineCode, flightNumber: flightNumber,
                                flightDate: flightDate, adi: side, subscribedForUpdates: subscribe, flightRecord: [record])
        return FlifoError.wrap(Data(body.json.jsonBytes), status: .ok, callback: callback)
    }

    private func resolveAirport(_ code: String) -> Airport? {
        if code.count == 4 { return deps.rules.airports[code] }
        return deps.rules.airports.airport(iata: code)
    }

    static func isSafeIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.count <= 64 else { return false }
        let head = CharacterSet.letters.union(CharacterSet(charactersIn: "_$"))
        let rest = head.union(CharacterSet(charactersIn: "0123456789."))
        guard first.isASCII, head.contains(first), !s.hasSuffix("."), !s.contains("..") else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && rest.contains($0) }
    }

    static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-")
        // Digits only: `Int` alone would take "+999" as a year, which then leaks into flightDate.
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let m = Int(parts[1]), let d = Int(parts[2]) else { return false }
        guard let y = Int(parts[0]), (1...12).contains(m) else { return false }
        return (1...CivilDate.daysInMonth(y, m)).contains(d)
    }
}

// MARK: - Payloads

extension FlifoRecord {
    /// A record from a live flight; the answer's shape is ``FlifoMessage``'s (seed 004).
    ///
    /// - `airportCode`, `city`: the other end (destination for `D`, origin for `A`) from the
    ///   flight plan, when there is one.
    /// - `status` (``FlifoStatus``): `DP` Departed in the air, `LD` Landed on the ground within
    ///   5 nm of the destination, `TX` Taxiing when moving on the ground, else `SC` Scheduled.
    /// - `estimated` (`A` only, in the air above 50 kt): the report time plus the great-circle
    ///   distance to the destination at the current ground speed.
    /// - `aircraft` is left out: the Live API names only the aircraft's id.
    static func live(_ v: LiveFlightView, airline: Airline, flightNumber: String, adi: FlifoMessage.Side,
                     airports: AirportIndex) -> FlifoRecord {
        let f = v.flight
        let otherICAO = adi == .departure ? v.plan?.destination : v.plan?.origin
        let other = otherICAO.flatMap { airports[$0] }
        let destination = v.plan?.destination.flatMap { airports[$0] }
        let toDestination = destination.map { Geo.distanceNM(f.latitude, f.longitude, $0.latitude, $0.longitude) }
        let status: FlifoStatus
        if v.airborne == true {
            status = .departed
        } else if let d = toDestination, d < 5 {
            status = .landed
        } else {
            status = f.speed > 3 ? .taxiing : .scheduled
        }
        var estimated: Date?
        if adi == .arrival, v.airborne == true, f.speed > 50, let d = toDestination {
            estimated = f.lastReport.addingTimeInterval((d / f.speed * 3600).rounded())
        }
        var record = FlifoRecord(
            operatingCarrier: Carrier(airlineCode: airline.iata, flightNumber: flightNumber, airline: airline.name),
            airportCode: other?.flifoCode ?? otherICAO, city: other?.city, status: status, estimated: estimated,
            callsign: f.callsign)
        record.latitude = f.latitude
        record.longitude = f.longitude
        record.altitude = f.altitude.rounded()
        record.groundSpeed = f.speed.rounded()
        return record
    }
}

/// A FLIFO error payload `{"errors": {"error": [{description, code, …}]}, "success": false}`.
struct FlifoError: Error {
    var status: HTTPResponse.Status
    var code: JSONValue
    var description: String
    var extra: [String: JSONValue]

    init(_ status: HTTPResponse.Status, _ code: JSONValue, _ description: String, extra: [String: JSONValue] = [:]) {
        self.status = status
        self.code = code
        self.description = description
        self.extra = extra
    }

    init(_ status: HTTPResponse.Status, _ code: String, _ description: String, extra: [String: JSONValue] = [:]) {
        self.init(status, JSONValue.string(code), description, extra: extra)
    }

    func response(callback: String?) -> Response {
        var item = extra
        item["description"] = .string(description)
        item["code"] = code
        let payload: JSONValue = .object(["errors": .object(["error": .array([.object(item)])]), "success": false])
        let data = (try? JSONEncoder.api.encode(payload)) ?? Data()
        return Self.wrap(data, status: status, callback: callback)
    }

    /// JSON, or JSONP when a (validated) callback is given.
    static func wrap(_ data: Data, status: HTTPResponse.Status, callback: String?) -> Response {
        var headers = HTTPFields()
        if let callback {
            headers[.contentType] = "application/javascript"
            var buffer = ByteBuffer(string: "/**/\(callback)(")
            buffer.writeBytes(data)
            buffer.writeString(");")
            return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
        }
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
