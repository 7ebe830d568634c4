import Foundation

/// Renders an event into the body a subscription's receiver expects. Pure: the same event,
/// subscription and sequence always give the same bytes (they are what gets signed).
///
/// - `json`: the Standard Webhooks envelope `{"type", "timestamp", "data"}`; `data` holds the
///   event's subject fields, its details, `eventId`, `subscriptionId` and `sequence`.
/// - `discord`: a message with one embed (title = the headline, fields for aircraft, altitude,
///   speed, touchdown rate…), within Discord's limits (title 256, field value 1024, ≤ 25 fields,
///   6000 characters across the embed), mentions disabled.
/// - `slack`: `text` (the headline, the notification fallback) plus `blocks`.
/// - `flifo`: a FLIFO FlightRecord notification (seed 004's shape, `subscribedForUpdates: true`);
///   see ``FlifoMessage``.
public struct PayloadRenderer: Sendable {
    public var airports: AirportIndex
    public var airlines: AirlineDirectory

    public init(airports: AirportIndex = .bundled, airlines: AirlineDirectory = .standard) {
        self.airports = airports
        self.airlines = airlines
    }

    /// `mentions` ping only when they apply to the event's type (chat formats).
    public func render(_ e: FlightEvent, format: PayloadFormat, subscriptionId: String, sequence: Int64, mentions: Mentions? = nil) -> [UInt8] {
        let value: JSONValue
        let ping = mentions.flatMap { $0.applies(to: e.type) ? $0 : nil }
        switch format {
        case .json: return jsonBytes(e, subscriptionId: subscriptionId, sequence: sequence)
        case .discord: value = discord(e, sequence: sequence, mentions: ping)
        case .slack: value = slack(e, sequence: sequence, mentions: ping)
        case .flifo: value = flifo(e, sequence: sequence)
        }
        return Self.encode(value)
    }

    // MARK: - Formats

    /// The `json` format as a value: the readable definition of what ``jsonBytes(_:subscriptionId:sequence:)``
    /// writes directly (a test holds the two to the same bytes).
    func json(_ e: FlightEvent, subscriptionId: String, sequence: Int64) -> JSONValue {
        var data = e.data
        data["eventId"] = .string(e.id)
        data["subscriptionId"] = .string(subscriptionId)
        data["sequence"] = .number(Double(sequence))
        if let s = e.server { data["server"] = .object(["id": .string(s.id), "name": .string(s.name)]) }
        for (k, v) in [("flightId", e.flightId), ("userId", e.userId), ("username", e.username), ("callsign", e.callsign),
                       ("virtualOrganization", e.virtualOrganization), ("airport", e.airport), ("frequencyId", e.frequencyId)] {
            if let v { data[k] = .string(v) }
        }
        if let a = e.airport, data["airportName"] == nil, let name = airports[a]?.name { data["airportName"] = .string(name) }
        return .object(["type": .string(e.type.rawValue), "timestamp": .string(Self.timestamp(e.at)), "data": .object(data)])
    }

    /// The bytes of ``json(_:subscriptionId:sequence:)``, written without building its
    /// dictionaries (every webhook of the default format goes through here): the same members,
    /// the same key order, the same value writer.
    func jsonBytes(_ e: FlightEvent, subscriptionId: String, sequence: Int64) -> [UInt8] {
        var data: [(key: String, value: JSONValue)] = []
        data.reserveCapacity(e.data.count + 12)
        var extra: [(key: String, value: JSONValue)] = [
            ("eventId", .string(e.id)), ("subscriptionId", .string(subscriptionId)), ("sequence", .number(Double(sequence))),
        ]
        if let s = e.server { extra.append(("server", .object(["id": .string(s.id), "name": .string(s.name)]))) }
        for (k, v) in [("flightId", e.flightId), ("userId", e.userId), ("username", e.username), ("callsign", e.callsign),
                       ("virtualOrganization", e.virtualOrganization), ("airport", e.airport), ("frequencyId", e.frequencyId)] {
            if let v { extra.append((k, .string(v))) }
        }
        // The event's own details, unless a subject field above has the same key (it wins, as
        // in the dictionary version); `airportName` only when the details lack one.
        for (k, v) in e.data where !extra.contains(where: { $0.key == k }) { data.append((k, v)) }
        data += extra
        if let a = e.airport, e.data["airportName"] == nil, let name = airports[a]?.name { data.append(("airportName", .string(name))) }
        var out: [UInt8] = []
        out.reserveCapacity(512)
        // {"data":…,"timestamp":…,"type":…}: the envelope's keys in sorted order.
        out.append(contentsOf: #"{"data":"#.utf8)
        JSONValue.writeObject(data, into: &out)
        out.append(contentsOf: #","timestamp":"#.utf8)
        JSONValue.writeString(Self.timestamp(e.at), into: &out)
        out.append(contentsOf: #","type":"#.utf8)
        JSONValue.writeString(e.type.rawValue, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    func discord(_ e: FlightEvent, sequence: Int64, mentions: Mentions? = nil) -> JSONValue {
        Self.discordMessage([discordEmbed(e, sequence: sequence).embed], mentions: mentions)
    }

    /// A webhook message of `embeds`. Nobody is pinged unless `mentions` names them, and then
    /// exactly them: `allowed_mentions` never parses `@everyone`, `@here` or names in the text.
    static func discordMessage(_ embeds: [JSONValue], mentions: Mentions? = nil) -> JSONValue {
        var message: [String: JSONValue] = ["username": "Squawk", "embeds": .array(embeds)]
        var allowed: [String: JSONValue] = ["parse": .array([])]
        if let m = mentions {
            message["content"] = .string((m.roles.map { "<@&\($0)>" } + m.users.map { "<@\($0)>" }).joined(separator: " "))
            if !m.roles.isEmpty { allowed["roles"] = .array(m.roles.map(JSONValue.string)) }
            if !m.users.isEmpty { allowed["users"] = .array(m.users.map(JSONValue.string)) }
        }
        message["allowed_mentions"] = .object(allowed)
        return .object(message)
    }

    /// `<@U012AB3CD> <!subteam^S0614TZR7> ` for Slack, or "".
    static func slackMentions(_ m: Mentions?) -> String {
        guard let m else { return "" }
        return (m.users.map { "<@\($0)>" } + m.groups.map { "<!subteam^\($0)>" }).joined(separator: " ") + " "
    }

    /// One event's embed and the characters it counts against Discord's 6,000 per message.
    func discordEmbed(_ e: FlightEvent, sequence: Int64) -> (embed: JSONValue, characters: Int) {
        let title = Self.clip(EventText.headline(e, airports: airports, escape: Self.discordEscape), 256)
        var fields: [JSONValue] = []
        func field(_ name: String, _ value: String?) {
            guard let value, !value.isEmpty, fields.count < 25 else { return }
            fields.append(.object(["name": .string(Self.clip(name, 256)), "value": .string(Self.clip(Self.discordEscape(value), 1024)), "inline": true]))
        }
        let d = e.data
        if e.type == .atcOpened || e.type == .atcClosed || e.type == .atisChanged {
            field("Frequency", e.type == .atisChanged ? "ATIS" : EventText.frequencyKind(d["frequencyKind"]?.stringValue))
            field("Controller", e.username ?? d["controller"]?.stringValue)
            field("Open for", d["duration"]?.doubleValue.map(EventText.duration))
        } else {
            field("Callsign", e.callsign)
            field("Pilot", e.username)
        }
        field("Aircraft", d["aircraftName"]?.stringValue ?? d["aircraft"]?.stringValue)
        field("Altitude", d["altitude"]?.doubleValue.map { "\(Int($0.rounded())) ft" })
        field("Ground speed", d["groundSpeed"]?.doubleValue.map { "\(Int($0.rounded())) kt" })
        field("Touchdown", d["touchdownRate"]?.doubleValue.map { "\(Int($0.rounded())) fpm" })
        if e.type != .diverted { field("Route", EventText.route(d).trimmingCharacters(in: .whitespaces)) }  // its headline names both
        if e.type == .flightCompleted {
            field("Departure", EventText.airport(d["departureAirport"]?.stringValue, airports: airports))
            field("Arrival", EventText.airport(d["arrivalAirport"]?.stringValue, airports: airports))
            field("Out / Off", [d["outAt"], d["offAt"]].map { EventText.clock($0) ?? "—" }.joined(separator: " / "))
            if d["outcome"]?.stringValue != "disconnected" {
                field("On / In", [d["onAt"], d["inAt"]].map { EventText.clock($0) ?? "—" }.joined(separator: " / "))
            }
            field("Block time", d["blockTime"]?.doubleValue.map(EventText.duration))
            field("Air time", d["airTime"]?.doubleValue.map(EventText.duration))
            field("Distance", d["flownDistanceNM"]?.doubleValue.map { flown in
                "\(Int(flown.rounded())) nm flown" + (d["greatCircleNM"]?.doubleValue.map { " (\(Int($0.rounded())) nm direct)" } ?? "")
            })
            field("Max altitude", d["maxAltitude"]?.doubleValue.map { "\(Int($0.rounded())) ft" })
            field("Rate source", d["touchdownRateSource"]?.stringValue)
            field("Touch-and-goes", d["touchAndGos"]?.doubleValue.flatMap { $0 > 0 ? "\(Int($0))" : nil })
            field("Diversions", d["diversions"]?.doubleValue.flatMap { $0 > 0 ? "\(Int($0))" : nil })
        }
        if e.type.isFLS {
            field("Club", d["instance"]?.stringValue)
            field("Leg", d["leg"]?.stringValue?.capitalized)
            field("Launch", d["startType"]?.stringValue?.replacingOccurrences(of: "_", with: "-"))
            field("Start", EventText.clock(d["startTime"]))
            field("Landing", EventText.clock(d["landingTime"]))
            field("Duration", d["durationSeconds"]?.doubleValue.map(EventText.duration))
            field("Landings", d["landings"]?.doubleValue.map { "\(Int($0))" })
            field("State", d["processState"]?.stringValue?.replacingOccurrences(of: "_", with: " "))
        } else {
            field("Server", e.server?.name)
        }
        let footer = "Squawk · \(e.type.rawValue) · #\(sequence)"
        var embed: [String: JSONValue] = [
            "title": .string(title),
            "color": .number(Double(Self.color(e.type))),
            "timestamp": .string(Self.timestamp(e.at)),
            "footer": .object(["text": .string(footer)]),
        ]
        if !fields.isEmpty { embed["fields"] = .array(fields) }
        if e.type == .atisChanged, let text = d["text"]?.stringValue {
            // Discord caps the whole embed at 6,000 characters: the description gets what is left.
            let used = title.count + footer.count + fields.reduce(0) { sum, f in
                guard case .object(let o) = f else { return sum }
                return sum + (o["name"]?.stringValue?.count ?? 0) + (o["value"]?.stringValue?.count ?? 0)
            }
            let room = Swift.min(4096, 6000 - used)
            if room > 0 { embed["description"] = .string(Self.clip(Self.discordEscape(text), room)) }
        }
        return (.object(embed), Self.characters(embed))
    }

    /// What Discord counts of an embed: title, description, field names and values, footer text.
    static func characters(_ embed: [String: JSONValue]) -> Int {
        var n = (embed["title"]?.stringValue?.count ?? 0) + (embed["description"]?.stringValue?.count ?? 0)
        if case .object(let footer)? = embed["footer"] { n += footer["text"]?.stringValue?.count ?? 0 }
        if case .array(let fields)? = embed["fields"] {
            for case .object(let f) in fields { n += (f["name"]?.stringValue?.count ?? 0) + (f["value"]?.stringValue?.count ?? 0) }
        }
        return n
    }

    /// Several events for one chat receiver as one message, in order: Discord up to 10 embeds
    /// and 6,000 characters across them, Slack up to 50 blocks. Returns the body and how many
    /// of `items` it carries (at least one); the rest wait for the next message.
    /// `mentions` ping once, when they apply to any event the message carries.
    public func renderChat(_ items: [(event: FlightEvent, sequence: Int64)], format: PayloadFormat,
                           mentions: Mentions? = nil) -> (body: [UInt8], count: Int) {
        guard items.count > 1, format == .discord || format == .slack else {
            guard let first = items.first else { return ([], 0) }
            return (render(first.event, format: format, subscriptionId: "", sequence: first.sequence, mentions: mentions), 1)
        }
        func ping(_ carried: Int) -> Mentions? {
            mentions.flatMap { m in items.prefix(carried).contains { m.applies(to: $0.event.type) } ? m : nil }
        }
        if format == .discord {
            var embeds: [JSONValue] = []
            var characters = 0
            for item in items.prefix(10) {
                let (embed, n) = discordEmbed(item.event, sequence: item.sequence)
                if !embeds.isEmpty, characters + n > 6000 { break }
                embeds.append(embed)
                characters += n
            }
            return (Self.encode(Self.discordMessage(embeds, mentions: ping(embeds.count))), embeds.count)
        }
        var blocks: [JSONValue] = []
        var headlines: [String] = []
        for item in items {
            let (text, more) = slackBlocks(item.event)
            let divider = blocks.isEmpty ? 0 : 1
            if !blocks.isEmpty, blocks.count + divider + more.count > 50 { break }
            if divider == 1 { blocks.append(.object(["type": "divider"])) }
            blocks += more
            headlines.append(text)
        }
        let pings = Self.slackMentions(ping(headlines.count))
        let fallback = pings + (headlines.count > 1 ? "\(headlines[0]) (+\(headlines.count - 1) more)" : headlines[0])
        if !pings.isEmpty { blocks.insert(.object(["type": "section", "text": .object(["type": "mrkdwn", "text": .string(pings)])]), at: 0) }
        return (Self.encode(.object(["text": .string(fallback), "blocks": .array(blocks)])), headlines.count)
    }

    func slack(_ e: FlightEvent, sequence: Int64, mentions: Mentions? = nil) -> JSONValue {
        let (headline, blocks) = slackBlocks(e)
        let pings = Self.slackMentions(mentions)
        guard !pings.isEmpty else { return .object(["text": .string(headline), "blocks": .array(blocks)]) }
        let pinged = [JSONValue.object(["type": "section", "text": .object(["type": "mrkdwn", "text": .string(pings)])])] + blocks
        return .object(["text": .string(pings + headline), "blocks": .array(pinged)])
    }

    /// One event's escaped headline and its blocks (a section, the ATIS text, a context line).
    func slackBlocks(_ e: FlightEvent) -> (headline: String, blocks: [JSONValue]) {
        let headline = Self.slackEscape(EventText.headline(e, airports: airports))
        var context = [e.type.rawValue]
        if let s = e.server?.name { context.append(s) }
        context.append(Self.timestamp(e.at))
        var blocks: [JSONValue] = [
            .object(["type": "section", "text": .object(["type": "mrkdwn", "text": .string(Self.clip(headline, 3000))])]),
        ]
        if e.type == .atisChanged, let text = e.data["text"]?.stringValue {
            blocks.append(.object(["type": "section", "text": .object(["type": "plain_text", "text": .string(Self.clip(text, 3000))])]))
        }
        blocks.append(.object(["type": "context", "elements": .array([.object(["type": "mrkdwn", "text": .string(Self.slackEscape(context.joined(separator: " · ")))])])]))
        return (headline, blocks)
    }

    /// The FLIFO notification: the event → status table is ``FlifoMessage/init(event:sequence:airports:airlines:)``.
    func flifo(_ e: FlightEvent, sequence: Int64) -> JSONValue {
        FlifoMessage(event: e, sequence: sequence, airports: airports, airlines: airlines).json
    }

    // MARK: - Helpers

    static func encode(_ v: JSONValue) -> [UInt8] { v.jsonBytes }

    /// `d` in UTC as ISO 8601 to the second (`2025-11-24T16:00:00Z`), fractions dropped.
    static func timestamp(_ d: Date) -> String { ISO8601.format(d) }

    static func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

    /// Discord markdown in user text shown as typed: `*bold*`, `__underline__`, `~~strike~~`,
    /// `` `code` ``, `||spoiler||`, `> quote`, `# heading`, `[masked](links)` and `\` get a backslash.
    static func discordEscape(_ s: String) -> String {
        guard s.contains(where: { Self.discordMarkup.contains($0) }) else { return s }
        var out = ""
        out.reserveCapacity(s.count + 8)
        for c in s {
            if Self.discordMarkup.contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    static let discordMarkup: Set<Character> = ["\\", "*", "_", "~", "`", "|", ">", "#", "[", "]"]

    /// The message that tells a channel what it missed: events too old to send (`maxAge`),
    /// counted by type, instead of dropping them without a word.
    public func renderSummary(_ counts: [EventType: Int], server: String?, since: Date, until: Date, format: PayloadFormat) -> [UInt8] {
        let total = counts.values.reduce(0, +)
        let minutes = max(1, Int((until.timeIntervalSince(since) / 60).rounded(.up)))
        let from = server.map { " from \($0)" } ?? ""
        let title = "\(total) more event\(total == 1 ? "" : "s")\(from) in the last \(minutes) min, not sent in time"
        let lines = counts.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }.map { "\($0.value) × \($0.key.rawValue)" }
        switch format {
        case .slack:
            let text = Self.slackEscape(title)
            return Self.encode(.object(["text": .string(text), "blocks": .array([
                .object(["type": "section", "text": .object(["type": "mrkdwn", "text": .string(text)])]),
                .object(["type": "context", "elements": .array([.object(["type": "mrkdwn", "text": .string(Self.clip(lines.joined(separator: " · "), 2000))])])]),
            ])]))
        default:
            let embed: JSONValue = .object([
                "title": .string(Self.clip(Self.discordEscape(title), 256)),
                "description": .string(Self.clip(lines.joined(separator: "\n"), 4096)),
                "color": .number(Double(0x95A5A6)),
                "timestamp": .string(Self.timestamp(until)),
                "footer": .object(["text": "Squawk · summary"]),
            ])
            return Self.encode(Self.discordMessage([embed]))
        }
    }

    /// Slack mrkdwn's control characters (`&`, `<`, `>`), as Slack asks.
    static func slackEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func color(_ t: EventType) -> Int {
        switch t {
        case .takeoff, .flsTakeoff: 0x2ECC71
        case .landing, .flsLanding: 0x3498DB
        case .flightCompleted: 0x1ABC9C
        case .flsCorrected, .flsMightHaveStarted, .flsMightHaveLanded: 0xF1C40F
        case .diverted, .approaching: 0xE67E22
        case .flightOffline, .atcClosed: 0x95A5A6
        case .atcOpened, .atisChanged: 0x9B59B6
        default: 0x7F8C8D
        }
    }
}
