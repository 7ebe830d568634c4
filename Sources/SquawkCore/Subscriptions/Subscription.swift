import Foundation

/// What a subscription watches.
public enum TargetKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// One flight, by Live API flight id.
    case flight
    /// A callsign: exact (`DAL40`), a prefix pattern (`DAL*`) or a suffix pattern (`*VA`).
    case callsign
    /// A pilot, by Live API user id or forum username.
    case user
    /// An airport by ICAO: departures, arrivals, ATC and ATIS there.
    case airport
    /// Everything on one server (session), by name or id. Guarded by configuration.
    case server
    /// One FLS flight id.
    case flsFlight = "fls_flight"
    /// Every flight of a configured FLS instance.
    case flsClub = "fls_club"

    /// The event types a subscription of this kind gets when it names none.
    public var defaultEvents: Set<EventType> {
        switch self {
        case .flight, .callsign, .user:
            [.flightOnline, .flightOffline, .takeoff, .landing, .planFiled, .planChanged, .diverted, .approaching, .pilotState,
             .flightCompleted]
        case .airport:
            [.takeoff, .landing, .diverted, .approaching, .atcOpened, .atcClosed, .atisChanged]
        case .server:
            Set(EventType.allCases).subtracting([.subscriptionTest]).subtracting(EventType.fls)
        case .flsFlight, .flsClub:
            EventType.fls
        }
    }

    /// The event types a subscription of this kind may ask for: its defaults, and for airports
    /// also the plans filed out of or into them.
    public var allowedEvents: Set<EventType> {
        switch self {
        case .airport: defaultEvents.union([.planFiled, .planChanged, .flightCompleted])
        default: defaultEvents
        }
    }
}

/// `{"kind": "airport", "id": "KLAX"}`.
public struct SubscriptionTarget: Sendable, Hashable, Codable {
    public var kind: TargetKind
    public var id: String
    public init(kind: TargetKind, id: String) { self.kind = kind; self.id = id }
}

/// How deliveries to a subscription are rendered.
public enum PayloadFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// The Standard Webhooks envelope `{"type", "timestamp", "data"}`.
    case json
    /// A Discord webhook message with an embed.
    case discord
    /// A Slack incoming-webhook message (`text` + `blocks`).
    case slack
    /// A SITA FLIFO v3 `flightRecord` notification.
    case flifo

    /// A chat receiver (Discord, Slack): paced by its budget, sent several events per message.
    public var isChat: Bool { self == .discord || self == .slack }

    /// Events one chat message usually carries (Discord: 10 embeds; Slack: 50 blocks at three
    /// or four an event), for scheduling a backlog a message to a slot.
    public var eventsPerMessage: Int {
        switch self {
        case .discord: 10
        case .slack: 12
        case .json, .flifo: 1
        }
    }
}

/// Whether a subscription receives deliveries.
public enum SubscriptionStatus: String, Sendable, Hashable, Codable {
    case active, disabled
}

/// A registered interest: what to watch, which events, and where to send them.
/// Signing secrets are not part of this value (they are never returned after creation).
public struct Subscription: Sendable, Hashable, Codable {
    public var id: String
    /// The API key that owns it; other keys cannot see it.
    public var ownerKeyId: String
    public var target: SubscriptionTarget
    /// Optional restriction to one server (name or id, case-insensitive).
    public var server: String?
    public var events: Set<EventType>
    /// Content filters; empty: none.
    public var filters: SubscriptionFilters
    public var notifyEndpoint: String
    public var format: PayloadFormat
    /// Pace and freshness of its own; empty: the format's defaults.
    public var delivery: DeliveryOptions
    public var description: String?
    public var metadata: [String: String]
    public var status: SubscriptionStatus
    public var disabledReason: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var expiresAt: Date?

    public init(
        id: String, ownerKeyId: String, target: SubscriptionTarget, server: String? = nil,
        events: Set<EventType>, filters: SubscriptionFilters = .init(), notifyEndpoint: String, format: PayloadFormat = .json,
        delivery: DeliveryOptions = .init(), description: String? = nil, metadata: [String: String] = [:], status: SubscriptionStatus = .active,
        disabledReason: String? = nil, createdAt: Date, updatedAt: Date? = nil, expiresAt: Date? = nil
    ) {
        self.id = id
        self.ownerKeyId = ownerKeyId
        self.target = target
        self.server = server
        self.events = events
        self.filters = filters
        self.notifyEndpoint = notifyEndpoint
        self.format = format
        self.delivery = delivery
        self.description = description
        self.metadata = metadata
        self.status = status
        self.disabledReason = disabledReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.expiresAt = expiresAt
    }
}
