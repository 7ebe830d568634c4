import Foundation
import NIOConcurrencyHelpers
import SquawkCore
import SquawkHTTP
import SquawkServer
import SquawkSQLite
import SquawkStore

/// One Discord webhook saturated: events for one `discord` subscription arrive faster than
/// Discord's 5 requests in 2 s and 30 in 60 s can carry one to a message. The real dispatcher and
/// SQLite outbox run on virtual time (``Dispatcher/tick(now:)`` every 100 ms of it, the receiver
/// answering at once), so ten minutes of traffic take seconds, and the figures are what the
/// scheduling does, not what this machine's speed does: claims per delivered message and per
/// event (issue 19: a paced delivery is scheduled for its slot, not claimed again and again),
/// events per message, the busiest 2 s and 60 s, and the lag from event to message.
public enum ChatBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var events: Int
        public var messages: Int
        public var delivered: Int
        public var expired: Int
        /// Rows claimed (a delivery claimed twice counts twice) and claim transactions that returned work.
        public var rowsClaimed: Int
        public var claimCalls: Int
        public var busiest2s: Int
        public var busiest60s: Int
        public var lag: Summary?

        public var description: String {
            String(format: """
            chat: %d events for one saturated Discord webhook over %@ of virtual time: %d messages (%.1f events each), %d delivered, %d expired
            claims: %.2f rows claimed per delivered event, %.2f per message; %.2f claim transactions per message
            budget: at most %d requests in any 2 s, %d in any 60 s; lag event → message p50 %.1f s, p90 %.1f s, p99 %.1f s, max %.1f s
            """, events, "\(ChatBenchmark.minutes) min", messages, Double(delivered) / Double(max(1, messages)), delivered, expired,
                          Double(rowsClaimed) / Double(max(1, delivered)), Double(rowsClaimed) / Double(max(1, messages)),
                          Double(claimCalls) / Double(max(1, messages)), busiest2s, busiest60s,
                          lag?.p50 ?? .nan, lag?.p90 ?? .nan, lag?.p99 ?? .nan, lag?.max ?? .nan)
        }
    }

    static let minutes = 10

    /// `rate` events a second (flights in turn among `flights`) for ten virtual minutes, then
    /// until the queue is empty or 30 minutes have passed.
    public static func run(rate: Double = 4, flights: Int = 200) async throws -> Result {
        let store = try SQLiteStore.temporary()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let clock = VirtualClock(t0)
        let sub = Subscription(id: "sub_chat_bench", ownerKeyId: "admin", target: .init(kind: .server, id: "Expert Server"), events: [.takeoff],
                               notifyEndpoint: "http://127.0.0.1:9/api/webhooks/1/bench", format: .discord, createdAt: t0)
        var rng = SplitMix64(seed: 7)
        try await store.createBatch([(sub, SigningSecret(secret: Identifiers.webhookSecret(using: &rng), createdAt: t0))])
        let counting = ClaimTally(store)
        let transport = AnsweringTransport(clock: clock)
        let dispatcher = Dispatcher(store: counting, transport: transport, endpointPolicy: EndpointPolicy(allowList: [IPRange(cidr: "127.0.0.0/8")!]),
                                    clock: clock, random: .seeded(1))
        let total = Int(rate * Double(minutes * 60))
        var enqueued = 0
        var lags: [Double] = []
        let step = 0.1
        var t = 0.0
        while t < 30 * 60 {
            clock.set(t0.addingTimeInterval(t))
            let due = min(total, Int((t * rate).rounded(.down)) + 1)
            if enqueued < due {
                let server = ServerRef(id: "bench", name: "Expert Server")
                let batch = (enqueued..<due).map { n in
                    FlightEvent(id: "evt_chat_\(n)", type: .takeoff, at: clock.now(), server: server, flightId: "flight-\(n % flights)",
                                callsign: "SQK\(n % flights)", airport: "KLAX", data: ["altitude": .number(312), "groundSpeed": .number(160)])
                }
                _ = try await store.enqueue(batch.map { ($0, [sub.id]) }, now: clock.now())
                enqueued = due
            }
            while try await dispatcher.tick(now: clock.now()) > 0 {}
            if enqueued == total, try await store.queueStats(now: clock.now()).pending + store.queueStats(now: clock.now()).inflight == 0 { break }
            t += step
        }
        for (at, body) in transport.sent {
            guard case .object(let o)? = try? JSONValue.parse(body), case .array(let embeds)? = o["embeds"] else { continue }
            for case .object(let e) in embeds {
                if let s = e["timestamp"]?.stringValue, let when = ISO8601.parse(s) { lags.append(at.timeIntervalSince(when)) }
            }
        }
        let delivered = try await count(store, sub, .delivered)
        let times = transport.sent.map(\.0)
        return Result(events: total, messages: times.count, delivered: delivered, expired: try await count(store, sub, .expired),
                      rowsClaimed: counting.rows, claimCalls: counting.calls, busiest2s: busiest(times, 2), busiest60s: busiest(times, 60),
                      lag: Summary(lags))
    }

    static func count(_ store: SQLiteStore, _ sub: Subscription, _ status: DeliveryStatus) async throws -> Int {
        var n = 0
        var cursor: String?
        repeat {
            let page = try await store.deliveries(subscriptionId: sub.id, owner: "admin", status: status, after: cursor, limit: 1_000)
            n += page.items.count
            cursor = page.nextCursor
        } while cursor != nil
        return n
    }

    /// The most of `times` in any window of `seconds` (a request exactly `seconds` after another is outside its window).
    static func busiest(_ times: [Date], _ seconds: Double) -> Int {
        let sorted = times.sorted()
        var best = 0, j = 0
        for (i, t) in sorted.enumerated() {
            while sorted[j].timeIntervalSince(t) <= -seconds { j += 1 }
            best = max(best, i - j + 1)
        }
        return best
    }
}

/// Virtual time the benchmark sets; nothing sleeps on it.
final class VirtualClock: SquawkClock {
    private let date: NIOLockedValueBox<Date>
    init(_ start: Date) { date = NIOLockedValueBox(start) }
    func set(_ d: Date) { date.withLockedValue { $0 = d } }
    func now() -> Date { date.withLockedValue { $0 } }
    func sleep(for duration: Duration) async throws { try await Task.sleep(for: .zero) }
}

/// A receiver that answers 204 at once, recording when (on the virtual clock) and what.
final class AnsweringTransport: HTTPTransport {
    let clock: VirtualClock
    private let log = NIOLockedValueBox<[(Date, [UInt8])]>([])
    init(clock: VirtualClock) { self.clock = clock }
    var sent: [(Date, [UInt8])] { log.withLockedValue { $0 } }
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        log.withLockedValue { $0.append((clock.now(), request.body ?? [])) }
        request.onEnd?()
        return HTTPResponse(status: 204)
    }
}

/// Counts what the dispatcher claims.
final class ClaimTally: DeliveryStoreDecorator, NewDeliveryHold {
    let base: any DeliveryStore
    private let tally = NIOLockedValueBox((rows: 0, calls: 0))
    init(_ base: any DeliveryStore) { self.base = base }
    var rows: Int { tally.withLockedValue { $0.rows } }
    var calls: Int { tally.withLockedValue { $0.calls } }
    func claim(limit: Int, now: Date, lease: Duration) async throws -> [ClaimedDelivery] {
        let claimed = try await base.claim(limit: limit, now: now, lease: lease)
        if !claimed.isEmpty { tally.withLockedValue { $0.rows += claimed.count; $0.calls += 1 } }
        return claimed
    }
}
