import Foundation

/// ATC and ATIS events. ATC events carry `frequencyId`, `airport` (ICAO; `nil` for a center),
/// and the controller as `userId` / `username`; `atis.changed` carries `airport`.
///
/// | type | when | `data` keys |
/// | --- | --- | --- |
/// | `atc.opened` | a frequency appears in the ATC list (not the first list seen) | `frequencyType` (raw Live API number), `frequencyKind` (name from ``DiffConfiguration/frequencyTable``), `airportName`, `controller` (username), `latitude`, `longitude`, `startTime` (ISO 8601, when given) |
/// | `atc.closed` | absent from more than ``DiffConfiguration/atcGraceSamples`` ATC lists; `at` is the first list without it | `frequencyType`, `frequencyKind`, `airportName`, `controller`, `openedAt` (ISO 8601, when we saw it open), `duration` (s, when seen open) |
/// | `atis.changed` | the ATIS text of a polled airport differs from the last text polled there (not the first poll); an ATIS appearing or going away (`nil`: "no ATIS") is a change too | `available` (false when it went away), `text` (or null), `letter` (from "information DELTA" → `D`, when present), `previousLetter` |
///
/// A snapshot whose `atc` is `nil` did not poll ATC: frequencies are left as they were. An
/// airport absent from `atis` was not polled; a `nil` text there means "no ATIS".
extension SnapshotDiffer {
    // MARK: - ATC

    static func applyATC(_ snapshot: Snapshot, to state: inout DiffState, config: DiffConfiguration,
                         sink outer: inout EventSink) {
        guard let list = snapshot.atc else { return }
        let now = snapshot.takenAt
        // The first ATC list seeds, announcing nothing (like the first snapshot does).
        let seeding = outer.muted || !state.atcSeeded
        state.atcSeeded = true
        var sink = seeding ? EventSink(server: outer.server, now: now, muted: true) : outer
        defer { if !seeding { outer = sink } }

        let table = config.frequencyTable
        for f in list {
            if let i = state.frequencies.index(forKey: f.frequencyId) {
                state.frequencies.values[i].seenAt = now
                state.frequencies.values[i].missed = 0
                state.frequencies.values[i].missedSince = nil
                if state.frequencies.values[i].username != f.username { state.frequencies.values[i].username = f.username }
                continue
            }
            var t = FrequencyTrack(
                userId: f.userId, username: f.username, airport: f.airportICAO, type: f.type,
                latitude: Float(f.latitude), longitude: Float(f.longitude), openedAt: now, seenAt: now,
                sequence: state.retired.removeValue(forKey: f.frequencyId)?.sequence ?? 0)
            sink.emit(.atcOpened, subject: f.frequencyId, sequence: &t.sequence, userId: f.userId,
                      username: f.username, airport: f.airportICAO, frequencyId: f.frequencyId, data: [
                          "frequencyType": .number(Double(f.type)),
                          "frequencyKind": .string(table.kind(f.type).rawValue),
                          "airportName": airportName(f.airportICAO, config),
                          "controller": f.username.map(JSONValue.string) ?? .null,
                          "latitude": number(f.latitude, 5), "longitude": number(f.longitude, 5),
                          "startTime": f.startTime.map(iso) ?? .null,
                      ])
            if seeding { t.openedAt = f.startTime ?? .distantPast } // opened before we looked
            state.frequencies[f.frequencyId] = t
        }

        var gone: [String] = []
        var i = state.frequencies.startIndex
        while i != state.frequencies.endIndex {
            if state.frequencies.values[i].seenAt != now {
                if seeding {
                    gone.append(state.frequencies.keys[i])
                } else {
                    state.frequencies.values[i].missed &+= 1
                    if state.frequencies.values[i].missed == 1 { state.frequencies.values[i].missedSince = now }
                    if Int(state.frequencies.values[i].missed) > config.atcGraceSamples {
                        gone.append(state.frequencies.keys[i])
                    }
                }
            }
            state.frequencies.formIndex(after: &i)
        }
        gone.sort()
        for frequencyId in gone {
            guard var t = state.frequencies.removeValue(forKey: frequencyId) else { continue }
            let closedAt = t.missedSince ?? now
            var data: [String: JSONValue] = [
                "frequencyType": .number(Double(t.type)),
                "frequencyKind": .string(table.kind(t.type).rawValue),
                "airportName": airportName(t.airport, config),
                "controller": t.username.map(JSONValue.string) ?? .null,
            ]
            if t.openedAt != .distantPast {
                data["openedAt"] = iso(t.openedAt)
                data["duration"] = number(closedAt.timeIntervalSince(t.openedAt), 0)
            }
            sink.emit(.atcClosed, subject: frequencyId, sequence: &t.sequence, at: closedAt,
                      userId: t.userId, username: t.username, airport: t.airport, frequencyId: frequencyId,
                      data: data)
            retire(frequencyId, sequence: t.sequence, in: &state, now: now)
        }
    }

    // MARK: - ATIS

    static func applyATIS(_ snapshot: Snapshot, to state: inout DiffState, sink: inout EventSink) {
        guard !snapshot.atis.isEmpty else { return }
        let now = snapshot.takenAt
        for (icao, text) in snapshot.atis.sorted(by: { $0.key < $1.key }) {
            let fingerprint = text.map(atisFingerprint)
            guard var t = state.atis[icao] else {
                state.atis[icao] = ATISTrack(fingerprint: fingerprint, letter: text.flatMap(atisLetter), polledAt: now)
                continue
            }
            t.polledAt = now
            if fingerprint != t.fingerprint {
                let letter = text.flatMap(atisLetter)
                sink.emit(.atisChanged, subject: "\(snapshot.server.id)/atis/\(icao)", sequence: &t.sequence,
                          airport: icao, data: [
                              "available": .bool(text != nil),
                              "text": text.map(JSONValue.string) ?? .null,
                              "letter": letter.map(JSONValue.string) ?? .null,
                              "previousLetter": t.letter.map(JSONValue.string) ?? .null,
                          ])
                t.fingerprint = fingerprint
                t.letter = letter
            }
            state.atis[icao] = t
        }
    }

    /// A stable fingerprint of an ATIS text.
    static func atisFingerprint(_ text: String) -> UInt64 {
        var h = StableHasher()
        h.mix(text)
        return h.finish()
    }

    /// The information letter of an ATIS text: the word after "information" (or "info"), as a
    /// spelling-alphabet word (`DELTA` → `D`) or a single letter; `nil` when there is none.
    static func atisLetter(_ text: String) -> String? {
        let words = text.uppercased().split { !$0.isLetter }
        for (i, word) in words.enumerated() where word == "INFORMATION" || word == "INFO" {
            guard i + 1 < words.count else { return nil }
            let next = words[i + 1]
            if next.count == 1 { return String(next) }
            if spellingAlphabet.contains(String(next)) { return String(next.prefix(1)) }
        }
        return nil
    }

    /// ICAO spelling alphabet (with the common spellings of Alfa and Juliett).
    static let spellingAlphabet: Set<String> = [
        "ALPHA", "ALFA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT", "GOLF", "HOTEL", "INDIA",
        "JULIET", "JULIETT", "KILO", "LIMA", "MIKE", "NOVEMBER", "OSCAR", "PAPA", "QUEBEC", "ROMEO",
        "SIERRA", "TANGO", "UNIFORM", "VICTOR", "WHISKEY", "XRAY", "YANKEE", "ZULU",
    ]
}
