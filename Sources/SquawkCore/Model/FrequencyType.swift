/// What kind of ATC frequency a Live API `type` number denotes.
public enum FrequencyKind: String, Sendable, Hashable, Codable, CaseIterable {
    case ground, tower, unicom, clearance, approach, departure, center, atis
    case aircraft, recorded, unknown, unused, nav, ndb
}

/// The one table from Live API frequency `type` numbers to ``FrequencyKind``.
///
/// The Live API's own pages disagree (../shared/FACTS.md); the seeds' numbering is the default
/// and configuration can switch to the other one.
///
/// | n | `.seeds`  | `.alternate` |
/// |---|-----------|--------------|
/// | 0 | ground    | unknown      |
/// | 1 | tower     | unused       |
/// | 2 | unicom    | recorded     |
/// | 3 | clearance | unicom       |
/// | 4 | approach  | clearance    |
/// | 5 | departure | ground       |
/// | 6 | center    | tower        |
/// | 7 | atis      | approach     |
/// | 8 | aircraft  | departure    |
/// | 9 | recorded  | nav          |
/// |10 | unknown   | ndb          |
/// |11 | unused    | center       |
public struct FrequencyTypeTable: Sendable, Hashable {
    public var name: String
    private let kinds: [FrequencyKind]

    public static let seeds = FrequencyTypeTable(
        name: "seeds",
        kinds: [.ground, .tower, .unicom, .clearance, .approach, .departure, .center, .atis,
                .aircraft, .recorded, .unknown, .unused]
    )
    public static let alternate = FrequencyTypeTable(
        name: "alternate",
        kinds: [.unknown, .unused, .recorded, .unicom, .clearance, .ground, .tower, .approach,
                .departure, .nav, .ndb, .center]
    )

    private init(name: String, kinds: [FrequencyKind]) {
        self.name = name
        self.kinds = kinds
    }

    /// The table named `name` (`seeds` or `alternate`), or `nil`.
    public static func named(_ name: String) -> FrequencyTypeTable? {
        [seeds, alternate].first { $0.name == name }
    }

    public func kind(_ raw: Int) -> FrequencyKind {
        kinds.indices.contains(raw) ? kinds[raw] : .unknown
    }

    /// The raw number for `kind`, if this table has one.
    public func raw(_ kind: FrequencyKind) -> Int? {
        kinds.firstIndex(of: kind)
    }
}
