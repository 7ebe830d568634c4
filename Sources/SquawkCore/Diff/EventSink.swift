import Foundation

/// Collects the events of one ``SnapshotDiffer`` pass: stamps the server and time, draws the
/// per-subject sequence number and makes the deterministic id (``EventID``).
///
/// A muted sink (the seeding pass, ../shared/DESIGN.md flow 2) drops events and draws no
/// sequence numbers, so the state it leaves behind is as if nothing had been announced.
struct EventSink {
    let server: ServerRef
    let now: Date
    let muted: Bool
    private(set) var events: [FlightEvent] = []

    init(server: ServerRef, now: Date, muted: Bool) {
        self.server = server
        self.now = now
        self.muted = muted
    }

    /// Emits an event about `subject` (flight id, frequency id or an ATIS key) whose next
    /// sequence number is `sequence`, then advances it.
    mutating func emit(
        _ type: EventType, subject: String, sequence: inout UInt32, at: Date? = nil,
        flightId: String? = nil, userId: String? = nil, username: String? = nil, callsign: String? = nil,
        virtualOrganization: String? = nil, airport: String? = nil, frequencyId: String? = nil,
        data: [String: JSONValue]
    ) {
        guard !muted else { return }
        let id = EventID.make(subject: subject, type: type, sequence: Int(sequence))
        sequence &+= 1
        events.append(FlightEvent(
            id: id, type: type, at: at ?? now, server: server, flightId: flightId, userId: userId,
            username: username, callsign: callsign, virtualOrganization: virtualOrganization,
            airport: airport, frequencyId: frequencyId, data: data))
    }

    /// Emits an event about a tracked flight, with its subject fields and what every flight event
    /// carries in `data` (null when unknown): the plan's `origin` and `destination`, `aircraftId`
    /// and `liveryId` — what subscription filters test.
    mutating func emit(_ type: EventType, flightId: String, track: inout FlightTrack, at: Date? = nil,
                       airport: String?, data: [String: JSONValue]) {
        guard !muted else { return }
        var data = data
        func put(_ key: String, _ value: String?) {
            if data[key] == nil { data[key] = value.map(JSONValue.string) ?? .null }
        }
        put("origin", track.origin)
        put("destination", track.destination)
        put("aircraftId", FlightTrack.text(track.aircraftId))
        put("liveryId", FlightTrack.text(track.liveryId))
        emit(type, subject: flightId, sequence: &track.sequence, at: at, flightId: flightId,
             userId: track.userId, username: track.username, callsign: track.callsign,
             virtualOrganization: track.virtualOrganization, airport: airport, data: data)
    }
}
