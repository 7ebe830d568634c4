import Foundation

/// The diff engine: from (per-server state, new snapshot) to (new state, events). Pure: no IO,
/// no clock reads (time is the snapshot's `takenAt`), no randomness (../shared/DESIGN.md rules
/// 1–3). The events it emits and their `data` keys are documented where they are made:
/// flight events in `SnapshotDiffer+Flights.swift`, ATC and ATIS events in
/// `SnapshotDiffer+ATC.swift`.
///
/// Rules that hold across event types:
/// - **Seeding.** The first snapshot of a state (and the first after a gap longer than
///   ``DiffConfiguration/reseedGap``) seeds it and announces nothing: a flight seen then was
///   already online, a frequency already open, a plan already filed; only a *change* between two
///   observations is an event (../shared/DESIGN.md flow 2). The first ATC list and the first
///   ATIS text of an airport seed the same way.
/// - **Arrivals just after seeding.** A flight first seen within
///   ``DiffConfiguration/offlineGraceSamples`` snapshots of the seeding one may have been online
///   all along, hidden by a gap in the list (the same gap that does not make a known flight
///   offline): it is tracked silently, without `flight.online` or `flight.plan_filed`.
/// - **Order.** Snapshots older than (or as old as) the last one applied are ignored. Within a
///   pass, events come in a stable order: per flight in snapshot order (a new flight's plan with
///   it), then plan changes of tracked flights by flight id, then vanished flights by id, then
///   ATC openings in list order and closings by id, then ATIS changes by airport.
/// - **Ids.** ``EventID`` of (subject, type, per-subject sequence): the subject is the flight id,
///   the frequency id, or `"<server id>/atis/<ICAO>"`; sequences live in the state, so the same
///   history replayed gives the same ids.
public enum SnapshotDiffer {
    /// The next state and the events between `state` and `snapshot`.
    ///
    /// Copies the state (copy-on-write makes that a full copy of the flight table when the
    /// caller keeps its own); long-running callers use ``apply(_:to:config:)``.
    public static func diff(_ state: DiffState, _ snapshot: Snapshot,
                            config: DiffConfiguration) -> (DiffState, [FlightEvent]) {
        var next = state
        let events = apply(snapshot, to: &next, config: config)
        return (next, events)
    }

    /// Applies `snapshot` to `state` in place and returns the events it produced.
    @discardableResult
    public static func apply(_ snapshot: Snapshot, to state: inout DiffState,
                             config: DiffConfiguration) -> [FlightEvent] {
        let now = snapshot.takenAt
        if let last = state.lastSnapshotAt, now <= last { return [] }
        let seeding = state.lastSnapshotAt.map { now.timeIntervalSince($0) > config.reseedGap } ?? true
        var sink = EventSink(server: snapshot.server, now: now, muted: seeding)
        state.sinceSeed = seeding ? 0 : state.sinceSeed == .max ? .max : state.sinceSeed + 1
        applyFlights(snapshot, to: &state, config: config, sink: &sink)
        applyATC(snapshot, to: &state, config: config, sink: &sink)
        applyATIS(snapshot, to: &state, sink: &sink)
        prune(&state, now: now, config: config)
        state.lastSnapshotAt = now
        return sink.events
    }

    // MARK: - Housekeeping

    /// Forgets retired sequences and unpolled ATIS texts older than the retention, at most
    /// every ten minutes of snapshot time.
    static func prune(_ state: inout DiffState, now: Date, config: DiffConfiguration) {
        if let last = state.lastPrunedAt, now.timeIntervalSince(last) < 600 { return }
        state.lastPrunedAt = now
        let horizon = now.addingTimeInterval(-config.retiredRetention)
        if state.retired.contains(where: { $0.value.at < horizon }) {
            state.retired = state.retired.filter { $0.value.at >= horizon }
        }
        if state.atis.contains(where: { $0.value.polledAt < horizon }) {
            state.atis = state.atis.filter { $0.value.polledAt >= horizon }
        }
    }

    /// Retires a vanished subject's sequence so that its id coming back continues it.
    static func retire(_ subject: String, sequence: UInt32, in state: inout DiffState, now: Date) {
        state.retired[subject] = RetiredSubject(sequence: sequence, at: now)
    }

    // MARK: - Payload helpers

    /// A number rounded to `places` decimals (payloads read better without float noise).
    static func number(_ x: Double, _ places: Int = 1) -> JSONValue {
        let scale = pow(10, Double(places))
        return .number((x * scale).rounded() / scale)
    }

    /// A number from a stored `Float`, rounded.
    static func number(_ x: Float, _ places: Int = 1) -> JSONValue { number(Double(x), places) }

    /// ISO 8601 text of a date (UTC, whole seconds).
    static func iso(_ date: Date) -> JSONValue {
        .string(date.formatted(.iso8601))
    }

    /// The name of an airport, if the data file has it.
    static func airportName(_ icao: String?, _ config: DiffConfiguration) -> JSONValue {
        guard let icao, let a = config.locator.airport(icao) else { return .null }
        return .string(a.name)
    }
}
