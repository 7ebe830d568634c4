import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import SquawkCore
import SquawkServer

/// The live page: a map of one server's flights (inline SVG) and the events detected, as they
/// are detected, over Server-Sent Events.
extension WebConsole {
    func live(_ request: Request, _ context: APIContext) async throws -> Response {
        let s = try signedIn(request)
        let all = await flights.latestFlights() ?? []
        var servers: [String: String] = [:]
        for f in all { servers[f.server.id] = f.server.name }
        let chosen = request.uri.queryParameters["server"].map(String.init) ?? servers.sorted { $0.value < $1.value }.first?.key
        let types = EventType.allCases.filter { $0 != .subscriptionTest }.map { ["value": $0.rawValue] }
        return page("live", title: "Live", session: s, nav: "live", [
            "servers": servers.sorted { $0.value < $1.value }.map { ["id": $0.key, "name": $0.value, "selected": $0.key == chosen] },
            "server": chosen as Any, "noData": all.isEmpty, "types": types,
            "map": ConsoleSVG.map(all.filter { $0.server.id == chosen }, airports: airports),
            "count": all.filter { $0.server.id == chosen }.count,
        ])
    }

    /// The map alone, for the page's periodic refresh.
    func liveMap(_ request: Request, _ context: APIContext) async throws -> Response {
        _ = try signedIn(request)
        let server = request.uri.queryParameters["server"].map(String.init)
        let shown = (await flights.latestFlights() ?? []).filter { $0.server.id == server }
        var headers = HTTPFields()
        headers[.contentType] = "image/svg+xml"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Flights")!] = String(shown.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: ConsoleSVG.map(shown, airports: airports))))
    }

    /// One SSE message per detected event (`types` filters by type, `server` by server id); a
    /// comment every 15 s keeps proxies from closing the stream. The stream ends after 10
    /// minutes (the browser reconnects) and when the server stops.
    func liveEvents(_ request: Request, _ context: APIContext) async throws -> Response {
        _ = try signedIn(request)
        guard let feed else { throw HTTPError(.notFound) }
        let q = request.uri.queryParameters
        let types = Set((q["types"].map(String.init) ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty })
        let server = q["server"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        let body = ResponseBody { writer in
            // One writer: events and keep-alive comments meet in one stream.
            let (lines, out) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(EventFeed.bufferLimit))
            let events = feed.watch()
            let pump = Task {
                for await e in events where (types.isEmpty || types.contains(e.type.rawValue)) && (server == nil || e.server?.id == server) {
                    out.yield("event: flight-event\ndata: \(Self.feedLine(e))\n\n")
                }
            }
            let beat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(15))
                    out.yield(": keep-alive\n\n")
                }
            }
            let end = Task {
                try? await Task.sleep(for: .seconds(600))
                out.finish()
            }
            defer {
                pump.cancel()
                beat.cancel()
                end.cancel()
            }
            try await withGracefulShutdownHandler {
                try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
                for await line in lines { try await writer.write(ByteBuffer(string: line)) }
            } onGracefulShutdown: {
                out.finish()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// An event as one JSON line for the feed.
    static func feedLine(_ e: FlightEvent) -> String {
        var o: [String: Any] = ["type": e.type.rawValue, "at": ISO8601.format(e.at)]
        if let v = e.callsign { o["callsign"] = v }
        if let v = e.server?.name { o["server"] = v }
        if let v = e.airport { o["airport"] = v }
        if let v = e.username { o["username"] = v }
        if let v = e.frequencyId { o["frequency"] = v }
        let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// How many of the flights flying now a subscription's target matches (the dry run's "3 flights
/// match now"); nil for targets that are not Live API flights.
enum LiveMatch {
    static func count(kind: String, id: String, server: String?, flights: [LiveFlightView]) -> Int? {
        let on = flights.filter { f in
            guard let server, !server.isEmpty else { return true }
            return f.server.id == server || f.server.name.caseInsensitiveCompare(server) == .orderedSame
        }
        let key = id.uppercased()
        switch TargetKind(rawValue: kind) {
        case .flight: return on.filter { $0.flight.flightId == id }.count
        case .callsign:
            return on.filter { f in
                let c = f.flight.callsign.uppercased()
                if key.hasSuffix("*") { return c.hasPrefix(key.dropLast()) }
                if key.hasPrefix("*") { return c.hasSuffix(key.dropFirst()) }
                return c == key
            }.count
        case .user: return on.filter { $0.flight.userId == id || $0.flight.username?.caseInsensitiveCompare(id) == .orderedSame }.count
        case .airport: return on.filter { $0.plan?.origin?.uppercased() == key || $0.plan?.destination?.uppercased() == key }.count
        case .server:
            return flights.filter { $0.server.id == id || $0.server.name.caseInsensitiveCompare(id) == .orderedSame }.count
        default: return nil
        }
    }
}
