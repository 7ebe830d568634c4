import Foundation
import SquawkHTTP

/// Every endpoint of the Live API v2 (../shared/seeds/001_…), one factory each.
/// Paths are relative to `/public/v2`.
public enum LiveAPIEndpoints {
    // MARK: - Sessions and traffic

    /// `GET /sessions`: the servers.
    public static var sessions: LiveAPIEndpoint<[SessionInfo]> {
        .init(name: "sessions", path: ["sessions"])
    }

    /// `GET /sessions/{sessionId}/flights`: every flight of a server.
    public static func flights(session: String) -> LiveAPIEndpoint<[FlightEntry]> {
        .init(name: "flights", path: ["sessions", session, "flights"])
    }

    /// `GET /sessions/{sessionId}/flights/{flightId}/route`: the flown route.
    public static func route(session: String, flight: String) -> LiveAPIEndpoint<[PositionReport]> {
        .init(name: "route", path: ["sessions", session, "flights", flight, "route"])
    }

    /// `GET /sessions/{sessionId}/flights/{flightId}/flightplan`. The sample's `result` is an
    /// object, the doc's an array: both are read (an array yields its first plan; an empty
    /// array is a decoding error).
    public static func flightPlan(session: String, flight: String) -> LiveAPIEndpoint<FlightPlanInfo> {
        .init(name: "flightplan", path: ["sessions", session, "flights", flight, "flightplan"]) { decoder, data in
            let raw = try decoder.decode(LiveAPIEnvelope<FlightPlanResult>.self, from: data)
            guard raw.errorCode == 0 else { return LiveAPIEnvelope(errorCode: raw.errorCode, result: nil) }
            guard let plan = raw.result?.plan else {
                throw DecodingError.valueNotFound(FlightPlanInfo.self, .init(
                    codingPath: [LiveAPIEnvelope<FlightPlanInfo>.CodingKeys.result],
                    debugDescription: "empty flight plan array"))
            }
            return LiveAPIEnvelope(errorCode: 0, result: plan)
        }
    }

    /// `GET /sessions/{sessionId}/atc`: open ATC frequencies.
    public static func atc(session: String) -> LiveAPIEndpoint<[ActiveATCFacility]> {
        .init(name: "atc", path: ["sessions", session, "atc"])
    }

    /// `GET /sessions/{sessionId}/notams`.
    public static func notams(session: String) -> LiveAPIEndpoint<[Notam]> {
        .init(name: "notams", path: ["sessions", session, "notams"])
    }

    // MARK: - Airports

    /// `GET /sessions/{sessionId}/airport/{icao}/atis`: the ATIS text, or `nil` when the
    /// airport has none (`result` null, or `errorCode` 7 NoAtisAvailable).
    public static func atis(session: String, airport: String) -> LiveAPIEndpoint<String?> {
        .init(name: "atis", path: ["sessions", session, "airport", airport, "atis"], resultWhenNoAtis: .some(nil))
    }

    /// `GET /sessions/{sessionId}/airport/{icao}/status`: traffic and ATC at one airport.
    public static func airportStatus(session: String, airport: String) -> LiveAPIEndpoint<AirportStatus> {
        .init(name: "airport_status", path: ["sessions", session, "airport", airport, "status"])
    }

    /// `GET /sessions/{sessionId}/world`: status of every active airport.
    public static func world(session: String) -> LiveAPIEndpoint<[AirportStatus]> {
        .init(name: "world", path: ["sessions", session, "world"])
    }

    /// `GET /tracks`: oceanic tracks.
    public static var tracks: LiveAPIEndpoint<[OceanicTrack]> {
        .init(name: "tracks", path: ["tracks"])
    }

    // MARK: - Users

    /// `POST /users`: statistics of up to 25 users. The body is built by the client after
    /// validation (see ``LiveAPIClient/userStats(userIds:discourseNames:userHashes:)``).
    public static func userStats(_ request: UserStatsRequest) throws -> LiveAPIEndpoint<[UserStats]> {
        let body = try JSONEncoder().encode(request)
        return .init(name: "user_stats", method: .post, path: ["users"], body: Array(body))
    }

    /// `GET /users/{userId}`: the grade table.
    public static func userGrade(user: String) -> LiveAPIEndpoint<GradeInfo> {
        .init(name: "user_grade", path: ["users", user])
    }

    /// `GET /users/{userId}/flights?page=n`: one page of the logbook.
    public static func userFlights(user: String, page: Int) -> LiveAPIEndpoint<PaginatedList<UserFlight>> {
        .init(name: "user_flights", path: ["users", user, "flights"], query: [("page", String(page))])
    }

    /// `GET /users/{userId}/flights/{flightId}`: one logbook flight.
    public static func userFlight(user: String, flight: String) -> LiveAPIEndpoint<UserFlight> {
        .init(name: "user_flight", path: ["users", user, "flights", flight])
    }

    /// `GET /users/{userId}/atc?page=n`: one page of the ATC log.
    public static func userATCSessions(user: String, page: Int) -> LiveAPIEndpoint<PaginatedList<UserAtcSession>> {
        .init(name: "user_atc_sessions", path: ["users", user, "atc"], query: [("page", String(page))])
    }

    /// `GET /users/{userId}/atc/{atcSessionId}`: one logged ATC session.
    public static func userATCSession(user: String, session: String) -> LiveAPIEndpoint<UserAtcSession> {
        .init(name: "user_atc_session", path: ["users", user, "atc", session])
    }

    // MARK: - Aircraft

    /// `GET /aircraft`: every aircraft model.
    public static var aircraft: LiveAPIEndpoint<[AircraftPackage]> {
        .init(name: "aircraft", path: ["aircraft"])
    }

    /// `GET /aircraft/{aircraftId}/liveries`: the liveries of one model.
    public static func liveries(aircraft: String) -> LiveAPIEndpoint<[LiveryData]> {
        .init(name: "aircraft_liveries", path: ["aircraft", aircraft, "liveries"])
    }

    /// `GET /aircraft/liveries`: every livery.
    public static var allLiveries: LiveAPIEndpoint<[LiveryData]> {
        .init(name: "all_liveries", path: ["aircraft", "liveries"])
    }
}
