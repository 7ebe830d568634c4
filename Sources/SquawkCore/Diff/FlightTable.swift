/// The tracked flights of a ``DiffState``: tracks in one contiguous array, found through a
/// small `FlightKey → slot` dictionary.
///
/// A `[FlightKey: FlightTrack]` dictionary would do, but reading a field of a value through
/// `Dictionary.Values` copies the whole track (ten strings retained and released), and the
/// per-snapshot scan for vanished flights reads every track. Here the scan walks the array in
/// place and the dictionary holds only 4-byte slots. Removal swaps the last track into the
/// hole, so slots are not stable across removals (nothing outside this type keeps them).
struct FlightTable: Sendable {
    /// `keys[i]` and `ids[i]` are the key and the flight id of `tracks[i]`.
    private(set) var keys: [FlightKey] = []
    private(set) var ids: [String] = []
    var tracks: [FlightTrack] = []
    private var slots: [FlightKey: Int32] = [:]

    var count: Int { tracks.count }

    /// The slot of a flight, if tracked.
    func slot(of key: FlightKey) -> Int? { slots[key].map(Int.init) }

    /// The track of a flight, if tracked.
    subscript(key: FlightKey) -> FlightTrack? { slot(of: key).map { tracks[$0] } }

    /// The track of a flight id, if tracked.
    subscript(id: String) -> FlightTrack? { self[FlightKey(id)] }

    /// Adds a flight that is not tracked yet (or replaces its track) and returns its slot.
    @discardableResult
    mutating func insert(_ track: FlightTrack, id: String) -> Int {
        let key = FlightKey(id)
        if let s = slot(of: key) {
            tracks[s] = track
            return s
        }
        slots[key] = Int32(tracks.count)
        keys.append(key)
        ids.append(id)
        tracks.append(track)
        return tracks.count - 1
    }

    /// Removes a flight and returns its track.
    mutating func remove(id: String) -> FlightTrack? {
        guard let s = slots.removeValue(forKey: FlightKey(id)).map(Int.init) else { return nil }
        let last = tracks.count - 1
        if s != last {
            tracks.swapAt(s, last)
            keys.swapAt(s, last)
            ids.swapAt(s, last)
            slots[keys[s]] = Int32(s)
        }
        keys.removeLast()
        ids.removeLast()
        return tracks.removeLast()
    }

    mutating func reserveCapacity(_ n: Int) {
        keys.reserveCapacity(n)
        ids.reserveCapacity(n)
        tracks.reserveCapacity(n)
        slots.reserveCapacity(n)
    }
}

// MARK: - Equatable, Hashable (as a map from id to track, whatever the slot order)

extension FlightTable: Hashable {
    static func == (a: FlightTable, b: FlightTable) -> Bool {
        guard a.count == b.count else { return false }
        for (i, key) in a.keys.enumerated() where b[key] != a.tracks[i] || b.ids[b.slot(of: key)!] != a.ids[i] {
            return false
        }
        return true
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(count)
    }
}
