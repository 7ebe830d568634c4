/// An aircraft model, from `GET /public/v2/aircraft`.
public struct AircraftPackage: Sendable, Hashable, Codable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}
