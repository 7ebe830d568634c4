import Foundation
import Testing
@testable import SquawkCore

/// One diff fixture: `Fixtures/<case>/before.json` (snapshots that build the state, possibly
/// none), `after.json` (the next snapshot) and `expected.json` (the events of `after`, in order,
/// with the keys that matter).
///
/// Snapshot files are written for people: times are seconds after ``epoch`` (`"t"`), and a
/// flight may be placed relative to a real airport of the bundled data (`"at": "EGLL"`, with
/// `"agl"` feet above its elevation, optionally `"distanceNM"` along `"bearing"`) instead of
/// raw latitude / longitude / altitude. Unset fields get defaults (`userId` = `"U-" + flightId`,
/// `callsign` = flightId, `lastReport` = the snapshot time, `pilotState` active).
struct DiffFixture: Sendable, CustomTestStringConvertible {
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)
    static let server = ServerRef(id: "6a04ffe8-765a-4925-af26-d88029eeadba", name: "Expert Server")

    var name: String
    var before: [Snapshot]
    var after: Snapshot
    var expected: [ExpectedEvent]

    var testDescription: String { name }

    // MARK: - Files

    struct SnapshotFile: Decodable {
        var t: Double
        var server: ServerRef?
        var flights: [FlightFile]?
        var atc: [FrequencyFile]?
        var plans: [String: PlanFile]?
        var atis: [String: String?]?
    }

    struct FlightFile: Decodable {
        var flightId: String
        var userId: String?
        var username: String?
        var callsign: String?
        var virtualOrganization: String?
        var at: String?
        var agl: Double?
        var distanceNM: Double?
        var bearing: Double?
        var latitude: Double?
        var longitude: Double?
        var altitude: Double?
        var speed: Double?
        var verticalSpeed: Double?
        var heading: Double?
        var lastReport: Double?
        var pilotState: Int?
    }

    struct FrequencyFile: Decodable {
        var frequencyId: String
        var userId: String?
        var username: String?
        var airport: String?
        var type: Int
    }

    struct PlanFile: Decodable {
        var flightPlanId: String?
        var origin: String?
        var destination: String?
        var waypoints: [String]?
    }

    /// An expected event: `type` always; the other keys only when given.
    struct ExpectedEvent: Decodable, Sendable {
        var type: String
        var t: Double?
        var flightId: String?
        var userId: String?
        var callsign: String?
        var airport: String??
        var frequencyId: String?
        var data: [String: JSONValue]?

        enum CodingKeys: String, CodingKey { case type, t, flightId, userId, callsign, airport, frequencyId, data }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decode(String.self, forKey: .type)
            t = try c.decodeIfPresent(Double.self, forKey: .t)
            flightId = try c.decodeIfPresent(String.self, forKey: .flightId)
            userId = try c.decodeIfPresent(String.self, forKey: .userId)
            callsign = try c.decodeIfPresent(String.self, forKey: .callsign)
            // "airport": null means "expect no airport"; absent means "do not check".
            airport = c.contains(.airport) ? .some(try c.decodeIfPresent(String.self, forKey: .airport)) : nil
            frequencyId = try c.decodeIfPresent(String.self, forKey: .frequencyId)
            data = try c.decodeIfPresent([String: JSONValue].self, forKey: .data)
        }
    }

    // MARK: - Loading

    static var directory: URL {
        get throws { try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil)) }
    }

    /// The names of all fixture cases, sorted.
    static var names: [String] {
        guard let dir = try? directory,
              let items = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return items.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted()
    }

    static func load(_ name: String) throws -> DiffFixture {
        let dir = try directory.appendingPathComponent(name)
        let decoder = JSONDecoder()
        let before = try decoder.decode([SnapshotFile].self, from: Data(contentsOf: dir.appendingPathComponent("before.json")))
        let after = try decoder.decode(SnapshotFile.self, from: Data(contentsOf: dir.appendingPathComponent("after.json")))
        let expected = try decoder.decode([ExpectedEvent].self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        return DiffFixture(name: name, before: try before.map(snapshot), after: try snapshot(after), expected: expected)
    }

    static func snapshot(_ f: SnapshotFile) throws -> Snapshot {
        let takenAt = epoch.addingTimeInterval(f.t)
        return Snapshot(
            server: f.server ?? server,
            takenAt: takenAt,
            flights: try (f.flights ?? []).map { try sample($0, takenAt: takenAt) },
            atc: f.atc.map { list in
                list.map {
                    let a = $0.airport.flatMap { AirportIndex.bundled[$0] }
                    return ATCFrequency(frequencyId: $0.frequencyId, userId: $0.userId ?? "U-" + $0.frequencyId,
                                        username: $0.username, airportICAO: $0.airport, type: $0.type,
                                        latitude: a?.latitude ?? 0, longitude: a?.longitude ?? 0)
                }
            },
            flightPlans: (f.plans ?? [:]).mapValues {
                FlightPlanSummary(flightPlanId: $0.flightPlanId, origin: $0.origin, destination: $0.destination,
                                  waypoints: $0.waypoints ?? [$0.origin, $0.destination].compactMap { $0 })
            },
            atis: f.atis ?? [:])
    }

    static func sample(_ f: FlightFile, takenAt: Date) throws -> FlightSample {
        var lat = f.latitude ?? 0, lon = f.longitude ?? 0, alt = f.altitude ?? 0
        if let icao = f.at {
            let a = try #require(AirportIndex.bundled[icao], "unknown airport \(icao)")
            (lat, lon) = (a.latitude, a.longitude)
            if let d = f.distanceNM {
                (lat, lon) = Geo.destination(a.latitude, a.longitude, bearing: f.bearing ?? 0, distanceNM: d)
            }
            alt = f.altitude ?? a.elevation + (f.agl ?? 0)
        }
        return FlightSample(
            flightId: f.flightId, userId: f.userId ?? "U-" + f.flightId, username: f.username,
            callsign: f.callsign ?? f.flightId, virtualOrganization: f.virtualOrganization,
            aircraftId: "A320", liveryId: "L1", latitude: lat, longitude: lon, altitude: alt,
            speed: f.speed ?? 0, verticalSpeed: f.verticalSpeed ?? 0, track: f.heading ?? 0,
            heading: f.heading ?? 0, lastReport: f.lastReport.map { epoch.addingTimeInterval($0) } ?? takenAt,
            pilotState: PilotState(rawValue: f.pilotState ?? 0))
    }
}
