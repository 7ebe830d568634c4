import Foundation
import SquawkCore

/// What Squawk remembers of one FLS leg between polls: what it has reported, never the raw
/// record. Persisted (through the poller state store) so a restart re-emits nothing.
public struct FLSLegState: Sendable, Hashable, Codable {
    /// The start and landing times last reported (nil: none reported yet, or removed).
    public var start: Date?
    public var landing: Date?
    public var airState: Int?
    public var processState: Int?
    public var takeoffSent = false
    public var landingSent = false
    /// How many events of each kind were raised, for deterministic event ids.
    public var counts: [String: Int] = [:]
    /// When the leg was last seen in a reply (for pruning).
    public var seen: Date

    public init(seen: Date) { self.seen = seen }
}

/// The per-instance diff state: leg states by `flightId/leg`, and the poll cursor.
public struct FLSDiffState: Sendable, Hashable, Codable {
    public var legs: [String: FLSLegState] = [:]
    /// The FLS server's time of the last successful poll (the next `since` is based on it).
    public var cursor: Date?

    public init() {}

    /// Forgets legs not seen for `age` seconds (a flight log is edited for days at most).
    public mutating func prune(now: Date, age: TimeInterval = 7 * 86_400) {
        legs = legs.filter { now.timeIntervalSince($0.value.seen) < age }
    }
}

/// The pure diff of FLS flight records: `(state, flights seen now) → (new state, events)`.
/// No IO, no clock: `observedAt` is when the records were fetched.
///
/// Per leg (glider, tow and motor legs are separate subjects):
///
/// | change | event |
/// | --- | --- |
/// | start time appears | `fls.takeoff` (launch method, start time) |
/// | landing time appears | `fls.landing` (duration, landings count) |
/// | air state becomes 8 (no start time logged) before a takeoff was reported | `fls.might_have_started` |
/// | air state becomes 15 (no landing time logged) before a landing was reported | `fls.might_have_landed` |
/// | a reported start or landing time is edited or removed | `fls.corrected` — never a second takeoff |
/// | process state changes (validated, locked, delivered, booked, or a code this build does not know) | `fls.state_changed` |
///
/// A leg seen for the first time raises what is true of it from that one record (it took off,
/// it landed), because clubs often log a flight after the fact; a process state is only
/// reported as a *change*. With `seeding` (the first poll of an instance, or the first after
/// nobody watched it for a while) everything is recorded and nothing raised, so a new
/// subscription does not get a day of history.
public enum FLSDiffer {
    public static func diff(_ state: inout FLSDiffState, flights: [FLSFlightDetails], instance: String,
                            observedAt: Date, seeding: Bool = false) -> [FlightEvent] {
        var events: [FlightEvent] = []
        for flight in flights {
            guard let key = flight.key else { continue }
            for (kind, leg) in flight.legs {
                let stateKey = key + "/" + kind.rawValue
                let existing = state.legs[stateKey]
                var legState = existing ?? FLSLegState(seen: observedAt)
                legState.seen = observedAt
                if seeding {
                    legState.start = leg.startDateTime?.date
                    legState.landing = leg.ldgDateTime?.date
                    legState.takeoffSent = legState.takeoffSent || legState.start != nil
                    legState.landingSent = legState.landingSent || legState.landing != nil
                    legState.airState = leg.airStateId?.rawValue
                    legState.processState = leg.processStateId?.rawValue
                } else {
                    let context = Context(instance: instance, flightKey: key, kind: kind, flight: flight, leg: leg, at: observedAt)
                    events += diffLeg(&legState, context, firstSight: existing == nil)
                }
                state.legs[stateKey] = legState
            }
        }
        return events
    }

    /// Everything an event about one leg carries.
    struct Context {
        var instance: String
        var flightKey: String
        var kind: FLSLegKind
        var flight: FLSFlightDetails
        var leg: FLSLeg
        var at: Date

        var subject: String { "fls:\(instance):\(flightKey):\(kind.rawValue)" }
    }

    static func diffLeg(_ s: inout FLSLegState, _ c: Context, firstSight: Bool) -> [FlightEvent] {
        var out: [FlightEvent] = []
        let start = c.leg.startDateTime?.date
        let landing = c.leg.ldgDateTime?.date
        let air = c.leg.airStateId?.rawValue
        let process = c.leg.processStateId?.rawValue

        func emit(_ type: EventType, _ extra: [String: JSONValue] = [:]) {
            let n = (s.counts[type.rawValue] ?? 0) + 1
            s.counts[type.rawValue] = n
            out.append(event(type, c, sequence: n, extra: extra))
        }

        // Before a takeoff is known: FLS says it may have started (no start time logged).
        if air == FLSAirState.mightBeStarted.rawValue, s.airState != air, !s.takeoffSent, start == nil {
            emit(.flsMightHaveStarted)
        }
        // Start time.
        if let start {
            if !s.takeoffSent {
                s.takeoffSent = true
                emit(.flsTakeoff)
            } else if s.start != start {
                emit(.flsCorrected, correction("start", old: s.start, new: start))
            }
        } else if s.takeoffSent, let old = s.start {
            // Removed after it was reported: a correction; the takeoff stays reported, so a
            // start time entered again is another correction, never a second takeoff.
            emit(.flsCorrected, correction("start", old: old, new: nil))
        }
        s.start = start
        // In the air, or landed without a landing time.
        if air == FLSAirState.mightBeLandedOrInAir.rawValue, s.airState != air, !s.landingSent, landing == nil {
            emit(.flsMightHaveLanded)
        }
        // Landing time.
        if let landing {
            if !s.landingSent {
                s.landingSent = true
                emit(.flsLanding)
            } else if s.landing != landing {
                emit(.flsCorrected, correction("landing", old: s.landing, new: landing))
            }
        } else if s.landingSent, let old = s.landing {
            emit(.flsCorrected, correction("landing", old: old, new: nil))
        }
        s.landing = landing
        s.airState = air
        // Validation and accounting.
        if let process, !firstSight, let old = s.processState, old != process {
            emit(.flsStateChanged, [
                "from": .string(FLSProcessState(rawValue: old).name), "fromId": .number(Double(old)),
                "to": .string(FLSProcessState(rawValue: process).name), "toId": .number(Double(process)),
            ])
        }
        if let process { s.processState = process }
        return out
    }

    static func correction(_ field: String, old: Date?, new: Date?) -> [String: JSONValue] {
        [
            "field": .string(field),
            "old": old.map { .string(FLSDateTime($0).text) } ?? .null,
            "new": new.map { .string(FLSDateTime($0).text) } ?? .null,
        ]
    }

    /// The event, with what is known of the leg in `data`.
    static func event(_ type: EventType, _ c: Context, sequence: Int, extra: [String: JSONValue]) -> FlightEvent {
        let leg = c.leg
        var d: [String: JSONValue] = ["instance": .string(c.instance), "leg": .string(c.kind.rawValue)]
        func put(_ k: String, _ v: String?) { if let v { d[k] = .string(v) } }
        put("legFlightId", leg.flightId?.lowercased() ?? leg.id?.lowercased())
        let startType = c.kind == .motor ? FLSStartType.motorFlight : (c.kind == .tow ? FLSStartType.aeroTow : c.flight.startType)
        if let startType {
            d["startType"] = .string(startType.name)
            d["startTypeId"] = .number(Double(startType.rawValue))
        }
        put("aircraftId", leg.aircraftId)
        put("pilotPersonId", leg.pilotPersonId)
        put("startTime", leg.startDateTime.map { FLSDateTime($0.date).text })
        put("landingTime", leg.ldgDateTime.map { FLSDateTime($0.date).text })
        put("startLocationId", leg.startLocationId)
        put("landingLocationId", leg.ldgLocationId)
        if let s = leg.startDateTime?.date, let l = leg.ldgDateTime?.date, l >= s {
            d["durationSeconds"] = .number((l.timeIntervalSince(s)).rounded())
        } else if let span = leg.flightDuration, type == .flsLanding {
            d["durationSeconds"] = .number(span.seconds.rounded())
        }
        if type == .flsLanding, let n = leg.nrOfLdgs { d["landings"] = .number(Double(n)) }
        if let a = leg.airStateId { d["airState"] = .string(a.name); d["airStateId"] = .number(Double(a.rawValue)) }
        if let p = leg.processStateId { d["processState"] = .string(p.name); d["processStateId"] = .number(Double(p.rawValue)) }
        for (k, v) in extra { d[k] = v }
        return FlightEvent(id: EventID.make(subject: c.subject, type: type, sequence: sequence), type: type, at: c.at,
                           server: ServerRef(id: "fls:" + c.instance, name: c.instance), flightId: c.flightKey, data: d)
    }
}
