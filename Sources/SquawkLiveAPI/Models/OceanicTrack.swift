import Foundation

/// An oceanic track (e.g. a North Atlantic Track), from `GET /public/v2/tracks`.
public struct OceanicTrack: Sendable, Hashable, Codable {
    /// Usually a letter.
    public var name: String
    /// Fix names and lat/lon points (`51/20`).
    public var path: [String]
    /// Flight levels eastbound; `null` when none.
    public var eastLevels: [Int]?
    /// Flight levels westbound; `null` when none.
    public var westLevels: [Int]?
    /// e.g. `North Atlantic Tracks`.
    public var type: String
    public var lastSeen: Date

    public init(name: String, path: [String], eastLevels: [Int]?, westLevels: [Int]?, type: String, lastSeen: Date) {
        self.name = name
        self.path = path
        self.eastLevels = eastLevels
        self.westLevels = westLevels
        self.type = type
        self.lastSeen = lastSeen
    }

    // MARK: - Encoding (nulls written, as the API does)

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(path, forKey: .path)
        try c.encode(eastLevels, forKey: .eastLevels)
        try c.encode(westLevels, forKey: .westLevels)
        try c.encode(type, forKey: .type)
        try c.encode(lastSeen, forKey: .lastSeen)
    }
}
