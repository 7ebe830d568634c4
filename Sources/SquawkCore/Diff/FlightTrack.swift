import Foundation

/// What the differ remembers of one flight between snapshots: the subject fields (for events
/// about a flight that has vanished), the essentials of its last *active* sample, the phase and
/// its hysteresis, the airport, the plan's fingerprint, the pilot state and the event sequence.
///
/// Size: 352 bytes inline (`MemoryLayout<FlightTrack>.size`). With its slot in
/// ``FlightTable`` (key, id, dictionary entry, array growth slack) and its own strings (user
/// id, usually the virtual organization; ICAO codes, callsigns and most usernames fit inline),
/// `squawk bench diff` measures about 1.2–1.6 KB resident per tracked flight, and ~530 bytes
/// as JSON. Positions and speeds are `Float`: ~1 m and 0.01 kt are plenty for detection.
struct FlightTrack: Sendable, Codable, Hashable {
    // Stored properties are ordered hot first: the ones every snapshot reads or writes fill the
    // first three cache lines; the ones only events and rare transitions touch come after.

    // MARK: - Presence (hot)
    /// The last snapshot the flight was in (active or not).
    var seenAt: Date
    /// Consecutive snapshots without the flight.
    var missed: UInt8 = 0
    var pilotState: PilotState?
    var phase: DetectedPhase
    /// `flight.approaching` fired for the current destination.
    var approachingFired = false

    // MARK: - Last active sample (hot)
    var latitude: Float
    var longitude: Float
    /// Feet above mean sea level.
    var altitude: Float
    /// Ground speed, knots.
    var speed: Float
    /// Feet per minute.
    var verticalSpeed: Float
    var heading: Float
    /// Height above the field elevation of the airport near that sample, when one was.
    var height: Float?
    /// Where ``nearAirport`` was resolved: a flight that has moved less than ~0.3 nm since
    /// reuses the answer (parked and taxiing flights cost no lookup).
    var resolvedLatitude: Float?
    var resolvedLongitude: Float?
    var nearElevation: Float?
    /// `lastReport` of that sample.
    var lastReport: Date
    /// The snapshot time of that sample.
    var sampledAt: Date
    var destinationLatitude: Float?
    var destinationLongitude: Float?
    /// Altitude reported while last on the ground at ``airport``: the field reference for the
    /// next takeoff (better than the data file when the two disagree).
    var groundAltitude: Float?
    /// The airport the flight is at, or was last on the ground at (takeoff airport).
    var airport: String?
    /// The airport near that sample (the ICAO of the last resolution), if any.
    var nearAirport: String?

    // MARK: - Subject (compared every snapshot, rarely written)
    var username: String?
    var callsign: String
    var virtualOrganization: String?
    var userId: String
    /// The aircraft and livery flown (Live API UUIDs, fixed for a flight), 16 bytes each; the
    /// nil UUID when the sample's id was not one (an optional would cost 8 bytes more apiece).
    var aircraftId: UUID
    var liveryId: UUID

    // MARK: - Cold: absence, landing in progress, plan, events
    /// The first snapshot without the flight, while ``missed`` > 0.
    var missedSince: Date?
    /// Samples seen in the current ``DetectedPhase/landed`` phase.
    var landedSamples: UInt8 = 0
    var takeoffAt: Date?
    /// When the pending landing touched down (phase ``DetectedPhase/landed``).
    var touchdownAt: Date?
    /// Touchdown vertical speed of the pending landing by the legacy reading, ft/min
    /// (``DiffConfiguration/legacyTouchdownRate`` only).
    var touchdownRate: Float?
    /// When the wheels left or touched the ground in the transition just announced (estimated
    /// between samples): the leg summary's `off` and `on`; cleared once read.
    var wheelsAt: Date?
    /// The samples around the pending touchdown (``TouchdownEstimate``).
    var touchdownEvidence: TouchdownEstimate.Evidence?
    /// Ground speed at the pending touchdown sample, knots.
    var touchdownSpeed: Float?
    var origin: String?
    var destination: String?
    /// ``StableHasher`` fingerprint of origin, destination and waypoints; 0 when no plan was seen.
    var planFingerprint: UInt64 = 0
    var planWaypointCount: UInt16 = 0
    /// Sequence number of the flight's next event (``EventID``).
    var sequence: UInt32
    /// The summary of the leg flown so far (`flight.completed`); nil in states saved before it.
    var leg: FlightLeg?

    /// A track from the first sample of a flight; phase fields are set by the caller.
    init(sample s: borrowing FlightSample, at now: Date, phase: DetectedPhase, sequence: UInt32) {
        userId = s.userId
        username = s.username
        callsign = s.callsign
        virtualOrganization = s.virtualOrganization
        aircraftId = UUID(uuidString: s.aircraftId) ?? Self.unknownId
        liveryId = UUID(uuidString: s.liveryId) ?? Self.unknownId
        latitude = Float(s.latitude)
        longitude = Float(s.longitude)
        altitude = Float(s.altitude)
        speed = Float(s.speed)
        verticalSpeed = Float(s.verticalSpeed)
        heading = Float(s.heading)
        lastReport = s.lastReport
        sampledAt = now
        seenAt = now
        pilotState = s.pilotState
        self.phase = phase
        self.sequence = sequence
    }

    /// Stands for an aircraft or livery id that was not a UUID.
    static let unknownId = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// `id` as the API writes it (lower case), nil for ``unknownId``.
    static func text(_ id: UUID) -> String? { id == unknownId ? nil : id.uuidString.lowercased() }

    /// Copies the essentials of an active sample.
    mutating func record(_ s: SampleMotion, at now: Date) {
        latitude = Float(s.latitude)
        longitude = Float(s.longitude)
        altitude = Float(s.altitude)
        speed = Float(s.speed)
        verticalSpeed = Float(s.verticalSpeed)
        heading = Float(s.heading)
        lastReport = s.lastReport
        sampledAt = now
    }

    /// Refreshes the subject fields (a callsign or username may change mid-flight; the user of
    /// a flight id does not).
    mutating func refreshSubject(username: String?, callsign: String, virtualOrganization: String?) {
        if self.username != username { self.username = username }
        if self.callsign != callsign { self.callsign = callsign }
        if self.virtualOrganization != virtualOrganization { self.virtualOrganization = virtualOrganization }
    }
}
