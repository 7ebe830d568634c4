import Foundation
import SquawkCore

/// The text forms in which every backend stores the structured fields of its rows, so that both
/// backends write and read the same shapes (and their decoders forgive the same things).
public enum RowCoding {
    // MARK: - Subscriptions

    /// `"flight.landing,flight.takeoff"`: raw values, sorted, comma-separated; `""` for none.
    public static func encodeEvents(_ events: Set<EventType>) -> String {
        events.map(\.rawValue).sorted().joined(separator: ",")
    }

    /// The inverse of ``encodeEvents(_:)``; unknown names (from a newer build) are skipped.
    public static func decodeEvents(_ text: String) -> Set<EventType> {
        guard !text.isEmpty else { return [] }
        return Set(text.split(separator: ",").compactMap { EventType(rawValue: String($0)) })
    }

    /// A JSON object with sorted keys; `{}` when empty.
    public static func encodeMetadata(_ metadata: [String: String]) -> String {
        guard !metadata.isEmpty else { return "{}" }
        return String(decoding: JSONValue.object(metadata.mapValues(JSONValue.string)).jsonBytes, as: UTF8.self)
    }

    /// The inverse of ``encodeMetadata(_:)``.
    public static func decodeMetadata(_ text: String) -> [String: String] {
        guard text != "{}" else { return [:] }
        guard case .object(let o) = try? JSONValue.parse(Array(text.utf8)) else { return [:] }
        return o.compactMapValues(\.stringValue)
    }

    /// The filters as a JSON object with sorted keys; nil (SQL NULL) when there are none.
    public static func encodeFilters(_ filters: SubscriptionFilters) -> String? {
        guard !filters.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(filters)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The inverse of ``encodeFilters(_:)``. Filters this build cannot read are
    /// ``StoreError/Code/unavailable``: dropping them would widen what the subscription receives.
    public static func decodeFilters(_ text: String?) throws -> SubscriptionFilters {
        guard let text else { return SubscriptionFilters() }
        do {
            return try JSONDecoder().decode(SubscriptionFilters.self, from: Data(text.utf8))
        } catch {
            throw StoreError(.unavailable, "subscription row has filters this build cannot read")
        }
    }

    /// The delivery options as a JSON object with sorted keys; nil (SQL NULL) when there are none.
    public static func encodeDeliveryOptions(_ options: DeliveryOptions) -> String? {
        guard !options.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(options)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The inverse of ``encodeDeliveryOptions(_:)``; options this build cannot read are
    /// ``StoreError/Code/unavailable`` (dropping them could send what the owner asked not to).
    public static func decodeDeliveryOptions(_ text: String?) throws -> DeliveryOptions {
        guard let text else { return DeliveryOptions() }
        do {
            return try JSONDecoder().decode(DeliveryOptions.self, from: Data(text.utf8))
        } catch {
            throw StoreError(.unavailable, "subscription row has delivery options this build cannot read")
        }
    }

    // MARK: - Live cards

    /// A live card's state as a JSON object with sorted keys (dates as seconds since 1970).
    public static func encodeCard(_ card: FlightCard) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        do { return String(decoding: try encoder.encode(card), as: UTF8.self) } catch {
            throw StoreError(.constraint, "a live card holds a number JSON cannot carry")
        }
    }

    /// The inverse of ``encodeCard(_:)``; nil for a card this build cannot read (it is then
    /// started again from the next event, as for a flight never seen).
    public static func decodeCard(_ text: String) -> FlightCard? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try? decoder.decode(FlightCard.self, from: Data(text.utf8))
    }

    // MARK: - Events

    /// An event's `data` as a JSON object with sorted keys; `{}` when empty. Numbers that JSON
    /// cannot carry (NaN, infinities) are ``StoreError/Code/constraint``.
    public static func encodeEventData(_ data: [String: JSONValue]) throws -> String {
        guard !data.isEmpty else { return "{}" }
        // The core's direct JSON writer: Foundation's coders were half of the outbox's claim time.
        let value = JSONValue.object(data)
        guard !value.containsNonFiniteNumber else {
            throw StoreError(.constraint, "event data cannot be written as JSON (a number is not finite)")
        }
        return String(decoding: value.jsonBytes, as: UTF8.self)
    }

    /// The inverse of ``encodeEventData(_:)``; unreadable data is ``StoreError/Code/unavailable``.
    public static func decodeEventData(_ text: String) throws -> [String: JSONValue] {
        guard text != "{}" else { return [:] }
        guard case .object(let object) = try? JSONValue.parse(Array(text.utf8)) else {
            throw StoreError(.unavailable, "event row has unreadable data")
        }
        return object
    }

    // MARK: - Attempts

    /// The longest response snippet kept, in Unicode scalars (what SQL `length()` counts).
    public static let snippetLimit = 1024

    /// The attempt as stored: the snippet cut to ``snippetLimit`` scalars and a negative latency
    /// (a clock that went backwards) recorded as 0, so it always satisfies the tables' CHECKs.
    public static func storable(_ a: DeliveryAttempt) -> DeliveryAttempt {
        var a = a
        if let text = a.responseSnippet, text.unicodeScalars.count > snippetLimit {
            a.responseSnippet = String(String.UnicodeScalarView(text.unicodeScalars.prefix(snippetLimit)))
        }
        a.latencyMs = max(0, a.latencyMs)
        return a
    }
}

extension DeliveryStatus {
    /// Pending or inflight: the delivery still has to go out.
    public var isUnfinished: Bool { self == .pending || self == .inflight }
}

/// The random part of delivery ids: a SplitMix64 stream seeded once per batch from the system
/// generator. Ids need uniqueness, not secrecy, and the system generator costs a `getrandom`
/// call per draw (16 per id).
public struct IDRandom: RandomNumberGenerator {
    private var stream: SplitMix64

    public init() {
        var system = SystemRandomNumberGenerator()
        stream = SplitMix64(seed: system.next())
    }

    public mutating func next() -> UInt64 { stream.next() }
}
