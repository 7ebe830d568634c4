import Foundation

extension PayloadRenderer {
    /// A live card as a Discord webhook body: one embed with the flight's phase, route,
    /// altitude, speed and last event. `edit`: the body of `PATCH …/messages/{id}`, which takes
    /// no `username` and leaves the message's content (and so its pings) as posted; otherwise
    /// the body of the first post, pinging `mentions` when they apply to the card's last event.
    public func renderCard(_ card: FlightCard, edit: Bool, mentions: Mentions? = nil) -> [UInt8] {
        let e = Self.discordEscape
        let who = [card.callsign, card.pilot].compactMap { $0 }.map(e).joined(separator: " · ")
        var fields: [JSONValue] = []
        func field(_ name: String, _ value: String?, inline: Bool = true) {
            guard let value, !value.isEmpty else { return }
            fields.append(.object(["name": .string(name), "value": .string(Self.clip(value, 1024)), "inline": .bool(inline)]))
        }
        if card.origin != nil || card.destination != nil { field("Route", "\(card.origin ?? "?") → \(card.destination ?? "?")") }
        if !card.phase.isFinal {
            field("Altitude", card.altitude.map { "\(Int($0.rounded())) ft" })
            field("Ground speed", card.groundSpeed.map { "\(Int($0.rounded())) kt" })
        }
        field("Aircraft", card.aircraft.map(e))
        field("Server", card.server.map(e))
        // Discord shows `<t:…:R>` in each reader's own words and time zone ("2 minutes ago").
        field("Last event", "\(e(card.lastHeadline)) · <t:\(Int(card.lastAt.timeIntervalSince1970)):R>", inline: false)
        let embed: [String: JSONValue] = [
            "title": .string(Self.clip(who.isEmpty ? "Flight " + card.flightId : who, 256)),
            "description": .string(Self.clip("**\(e(card.phaseText(airports: airports)))**", 4096)),
            "color": .number(Double(card.phase.isFinal ? 0x95A5A6 : Self.color(card.lastEvent))),
            "timestamp": .string(Self.timestamp(card.lastAt)),
            "footer": .object(["text": .string("Squawk · live card · \(card.lastEvent.rawValue) · #\(card.sequence)")]),
            "fields": .array(fields),
        ]
        let ping = edit ? nil : mentions.flatMap { $0.applies(to: card.lastEvent) ? $0 : nil }
        guard case .object(var message) = Self.discordMessage([.object(embed)], mentions: ping) else { return [] }
        if edit { message["username"] = nil }
        return Self.encode(.object(message))
    }
}
