/// A livery of an aircraft model, from `GET /public/v2/aircraft/{aircraftId}/liveries` and
/// `GET /public/v2/aircraft/liveries`. Note the API's spelling `aircraftID`.
public struct LiveryData: Sendable, Hashable, Codable {
    public var id: String
    public var aircraftID: String
    public var aircraftName: String
    public var liveryName: String

    public init(id: String, aircraftID: String, aircraftName: String, liveryName: String) {
        self.id = id
        self.aircraftID = aircraftID
        self.aircraftName = aircraftName
        self.liveryName = liveryName
    }
}
