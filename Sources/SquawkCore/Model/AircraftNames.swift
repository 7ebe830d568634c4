/// Names of aircraft models and liveries by Live API id (lower case), from the API's livery
/// list (`GET /aircraft/liveries`, which names each livery's aircraft too). Kept in memory only,
/// like every response (../shared/FACTS.md).
///
/// The poller adds `aircraftName` and `liveryName` to flight events whose ids it knows, so
/// renderings can say "Airbus A350-900" and the `aircraft` filter can match names.
public struct AircraftNames: Sendable, Hashable {
    public struct Livery: Sendable, Hashable {
        public var aircraft: String
        public var livery: String
    }

    public private(set) var aircraft: [String: String] = [:]
    public private(set) var liveries: [String: Livery] = [:]

    public init() {}

    /// From the livery list: `(livery id, aircraft id, aircraft name, livery name)`.
    public init(liveries list: [(id: String, aircraftId: String, aircraftName: String, liveryName: String)]) {
        for l in list {
            aircraft[l.aircraftId.lowercased()] = l.aircraftName
            liveries[l.id.lowercased()] = Livery(aircraft: l.aircraftName, livery: l.liveryName)
        }
    }

    public var isEmpty: Bool { aircraft.isEmpty && liveries.isEmpty }

    /// `e` with `aircraftName` / `liveryName` added where its ids are known (never replacing a
    /// name the event already has).
    public func named(_ e: FlightEvent) -> FlightEvent {
        guard e.type.rawValue.hasPrefix("flight.") else { return e }
        var e = e
        let livery = e.data["liveryId"]?.stringValue.flatMap { liveries[Matcher.lower($0)] }
        if e.data["aircraftName"] == nil,
           let name = e.data["aircraftId"]?.stringValue.flatMap({ aircraft[Matcher.lower($0)] }) ?? livery?.aircraft {
            e.data["aircraftName"] = .string(name)
        }
        if e.data["liveryName"] == nil, let livery { e.data["liveryName"] = .string(livery.livery) }
        return e
    }
}
