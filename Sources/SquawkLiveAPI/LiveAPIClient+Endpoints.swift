import Foundation

/// One method per Live API endpoint; each returns the decoded `result`.
/// Use ``LiveAPIClient/fetch(_:)`` with ``LiveAPIEndpoints`` to also get size and latency.
extension LiveAPIClient {
    // MARK: - Sessions and traffic

    /// The servers (sessions). Poll at most every 10 minutes.
    public func sessions() async throws(LiveAPIError) -> [SessionInfo] {
        try await fetch(LiveAPIEndpoints.sessions).value
    }

    /// Every flight of a session. Poll at most every 15 s.
    public func flights(session: String) async throws(LiveAPIError) -> [FlightEntry] {
        try await fetch(LiveAPIEndpoints.flights(session: session)).value
    }

    /// The flown route of a flight (Expert and Training servers only).
    public func route(session: String, flight: String) async throws(LiveAPIError) -> [PositionReport] {
        try await fetch(LiveAPIEndpoints.route(session: session, flight: flight)).value
    }

    /// The detailed flight plan of an active flight.
    public func flightPlan(session: String, flight: String) async throws(LiveAPIError) -> FlightPlanInfo {
        try await fetch(LiveAPIEndpoints.flightPlan(session: session, flight: flight)).value
    }

    /// Open ATC frequencies of a session.
    public func atc(session: String) async throws(LiveAPIError) -> [ActiveATCFacility] {
        try await fetch(LiveAPIEndpoints.atc(session: session)).value
    }

    /// NOTAMs of a session.
    public func notams(session: String) async throws(LiveAPIError) -> [Notam] {
        try await fetch(LiveAPIEndpoints.notams(session: session)).value
    }

    // MARK: - Airports

    /// The ATIS of an airport, or `nil` when it has none (NoAtisAvailable is not an error).
    public func atis(session: String, airport: String) async throws(LiveAPIError) -> String? {
        try await fetch(LiveAPIEndpoints.atis(session: session, airport: airport)).value
    }

    /// Traffic and ATC at one airport.
    public func airportStatus(session: String, airport: String) async throws(LiveAPIError) -> AirportStatus {
        try await fetch(LiveAPIEndpoints.airportStatus(session: session, airport: airport)).value
    }

    /// Traffic and ATC at every active airport of a session.
    public func world(session: String) async throws(LiveAPIError) -> [AirportStatus] {
        try await fetch(LiveAPIEndpoints.world(session: session)).value
    }

    /// Active oceanic tracks.
    public func tracks() async throws(LiveAPIError) -> [OceanicTrack] {
        try await fetch(LiveAPIEndpoints.tracks).value
    }

    // MARK: - Users

    /// Statistics of up to 25 users, named by id, forum name or hash (any mix; at least one).
    /// More than 25, or none, is ``LiveAPIError/Code/invalidRequest`` and nothing is sent.
    public func userStats(
        userIds: [String] = [], discourseNames: [String] = [], userHashes: [String] = []
    ) async throws(LiveAPIError) -> [UserStats] {
        let request = UserStatsRequest(userIds: userIds, discourseNames: discourseNames, userHashes: userHashes)
        guard (1...UserStatsRequest.maxIds).contains(request.count) else {
            throw LiveAPIError(.invalidRequest, endpoint: "/public/v2/users",
                               message: "user stats takes 1 to \(UserStatsRequest.maxIds) ids, got \(request.count)")
        }
        let endpoint: LiveAPIEndpoint<[UserStats]>
        do {
            endpoint = try LiveAPIEndpoints.userStats(request)
        } catch {
            throw LiveAPIError(.invalidRequest, endpoint: "/public/v2/users", message: "request body not encodable")
        }
        return try await fetch(endpoint).value
    }

    /// The grade table of a user.
    public func userGrade(user: String) async throws(LiveAPIError) -> GradeInfo {
        try await fetch(LiveAPIEndpoints.userGrade(user: user)).value
    }

    /// One page (from 1) of a user's flight logbook. See ``userFlightPages(user:)`` for all.
    public func userFlights(user: String, page: Int = 1) async throws(LiveAPIError) -> PaginatedList<UserFlight> {
        try await fetch(LiveAPIEndpoints.userFlights(user: user, page: page)).value
    }

    /// One flight of a user's logbook.
    public func userFlight(user: String, flight: String) async throws(LiveAPIError) -> UserFlight {
        try await fetch(LiveAPIEndpoints.userFlight(user: user, flight: flight)).value
    }

    /// One page (from 1) of a user's ATC log. See ``userATCSessionPages(user:)`` for all.
    public func userATCSessions(user: String, page: Int = 1) async throws(LiveAPIError) -> PaginatedList<UserAtcSession> {
        try await fetch(LiveAPIEndpoints.userATCSessions(user: user, page: page)).value
    }

    /// One session of a user's ATC log.
    public func userATCSession(user: String, session: String) async throws(LiveAPIError) -> UserAtcSession {
        try await fetch(LiveAPIEndpoints.userATCSession(user: user, session: session)).value
    }

    // MARK: - Aircraft

    /// Every aircraft model.
    public func aircraft() async throws(LiveAPIError) -> [AircraftPackage] {
        try await fetch(LiveAPIEndpoints.aircraft).value
    }

    /// The liveries of one aircraft model.
    public func liveries(aircraft: String) async throws(LiveAPIError) -> [LiveryData] {
        try await fetch(LiveAPIEndpoints.liveries(aircraft: aircraft)).value
    }

    /// Every livery of every model.
    public func allLiveries() async throws(LiveAPIError) -> [LiveryData] {
        try await fetch(LiveAPIEndpoints.allLiveries).value
    }

    // MARK: - Pagination

    /// Every page of a user's flight logbook, fetched one at a time as the sequence is read,
    /// from page 1 until a page says `hasNextPage: false`.
    public func userFlightPages(user: String) -> LiveAPIPages<UserFlight> {
        LiveAPIPages(client: self) { LiveAPIEndpoints.userFlights(user: user, page: $0) }
    }

    /// Every page of a user's ATC log (see ``userFlightPages(user:)``).
    public func userATCSessionPages(user: String) -> LiveAPIPages<UserAtcSession> {
        LiveAPIPages(client: self) { LiveAPIEndpoints.userATCSessions(user: user, page: $0) }
    }
}
