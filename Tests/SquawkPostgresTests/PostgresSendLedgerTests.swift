import Foundation
import Logging
import SquawkCore
@testable import SquawkPostgres
import SquawkStore
import Testing

/// Receiver budgets shared by instances on one database (``SharedSendLedger``): two stores on
/// one schema reserving for one Discord webhook at the same moments, checked against a plain
/// count of the sends granted.
@Suite("PostgreSQL shared receiver budget", PostgresTestDatabase.available)
struct PostgresSendLedgerTests {
    static let hook = "https://discord.com/api/webhooks/123456789/token-that-must-never-be-stored"
    static let budget = ReceiverBudget.discord

    /// `ms` milliseconds after 2027-01-15T08:00:00Z. Times stay on whole milliseconds, which
    /// `timestamptz` (microseconds) keeps exactly, so the reference below sees the very times the
    /// store compared.
    static func at(ms: Int64) -> Date { Date(timeIntervalSince1970: Double(1_800_000_000_000 + ms) / 1000) }

    /// `date` rounded up to a whole millisecond.
    static func ceilMs(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.up) / 1000)
    }

    /// The reference, written out: whether one more send at `t` keeps every window of `budget`
    /// among `sends` — no more than `limit` sends in any `seconds` plus the margin (counted as
    /// the core counts: a send `s` is inside a window starting at `start` while
    /// `start <= s < start + seconds + margin`). The busiest such window holding `t` starts at `t`
    /// or at one of the sends before `t` that it still reaches.
    static func fits(_ t: Date, among sends: [Date]) -> Bool {
        for w in budget.windows {
            let length = w.seconds + budget.margin
            let starts = [t] + sends.filter { $0 <= t && $0.addingTimeInterval(length) > t }
            for start in starts where sends.filter({ $0 >= start && $0 < start.addingTimeInterval(length) }).count + 1 > w.limit {
                return false
            }
        }
        return true
    }

    /// A second store on the same schema as `store`, running (and migrated: nothing left to do).
    static func withSecondStore<T: Sendable>(like store: PostgresStore, _ body: @Sendable (PostgresStore) async throws -> T) async throws -> T {
        let other = PostgresStore(url: try PostgresTestDatabase.url(schema: try #require(store.schema)), maximumConnections: 4,
                                  logger: PostgresTestDatabase.logger)
        return try await other.withRunning { try await body(other) }
    }

    @Test("two instances reserving at the same moments for one Discord webhook: the sends granted never exceed 5 in 2 s or 30 in 60 s (plus the margin), each refusal was needed, each given slot fits")
    func twoInstancesShareOneBudget() async throws {
        try await PostgresTestDatabase.withStore { a in
            try await Self.withSecondStore(like: a) { b in
                // 300 moments over about two and a half simulated minutes: bursts (several
                // messages at one moment), short gaps, long ones; and every slot a refusal names
                // is tried again (rounded up to its millisecond), as a dispatcher would.
                var rng = SplitMix64(seed: 19)
                var pending = Set<Date>()
                var ms: Int64 = 0
                for _ in 0..<300 {
                    switch rng.next() % 10 {
                    case 0..<4: break
                    case 4..<7: ms += Int64(rng.next() % 500)
                    default: ms += 500 + Int64(rng.next() % 1_500)
                    }
                    pending.insert(Self.at(ms: ms))
                }
                let end = Self.at(ms: ms)
                struct Outcome { var t: Date; var instance: Int; var slot: Date? }
                var outcomes: [Outcome] = []
                var granted: [Date] = []
                var rounds = 0
                while let t = pending.min(), rounds < 1_000 {
                    pending.remove(t)
                    rounds += 1
                    // Both instances at once, each on its own pool.
                    async let first = a.reserveSend(endpoint: Self.hook, budget: Self.budget, now: t)
                    async let second = b.reserveSend(endpoint: Self.hook, budget: Self.budget, now: t)
                    let round = [Outcome(t: t, instance: 0, slot: try await first), Outcome(t: t, instance: 1, slot: try await second)]
                    outcomes += round
                    granted += round.filter { $0.slot == nil }.map(\.t)
                    // Refusals are judged against every send granted so far, this moment's included.
                    for o in round {
                        guard let slot = o.slot else { continue }
                        #expect(slot > t, "a refusal names a later time")
                        #expect(!Self.fits(t, among: granted), "instance \(o.instance) was refused at \(t) although a send fitted")
                        #expect(Self.fits(slot, among: granted), "the slot given at \(t), \(slot), does not fit")
                        if slot <= end.addingTimeInterval(60) { pending.insert(Self.ceilMs(slot)) }
                    }
                }
                #expect(pending.isEmpty, "\(rounds) rounds were not enough")
                // Nothing granted breaks the reference.
                for (i, g) in granted.enumerated() {
                    var others = granted
                    others.remove(at: i)
                    #expect(Self.fits(g, among: others), "the send granted at \(g) breaks a window")
                }
                // The test went where it matters: both instances sent, both windows filled up,
                // and at moments where both asked, one was turned away.
                let byInstance = [0, 1].map { i in outcomes.filter { $0.instance == i && $0.slot == nil }.count }
                #expect(byInstance.allSatisfy { $0 > 0 }, "\(byInstance)")
                let sorted = granted.sorted()
                let busiest = Self.budget.windows.map { w in
                    sorted.map { s in sorted.filter { $0 >= s && $0 < s.addingTimeInterval(w.seconds + Self.budget.margin) }.count }.max() ?? 0
                }
                #expect(busiest == Self.budget.windows.map(\.limit), "busiest windows \(busiest)")
                let split = Dictionary(grouping: outcomes, by: \.t).values.filter { $0.count == 2 && $0.filter { $0.slot == nil }.count == 1 }.count
                #expect(split > 0)
                print("shared budget: \(rounds) moments, \(outcomes.count) reservations, \(granted.count) granted (instances \(byInstance)), \(split) moments split")
            }
        }
    }

    @Test("a receiver's hold is shared and never shortened; the endpoint is stored only as its SHA-256, and old sends are pruned")
    func holdsAndHashes() async throws {
        try await PostgresTestDatabase.withStore { a in
            try await Self.withSecondStore(like: a) { b in
                let t0 = Self.at(ms: 0)
                try await a.hold(endpoint: Self.hook, until: t0.addingTimeInterval(10))
                try await a.hold(endpoint: Self.hook, until: t0.addingTimeInterval(3))  // shorter: ignored
                #expect(try await b.reserveSend(endpoint: Self.hook, budget: Self.budget, now: t0.addingTimeInterval(5)) == t0.addingTimeInterval(10))
                #expect(try await b.reserveSend(endpoint: Self.hook, budget: Self.budget, now: t0.addingTimeInterval(10)) == nil)
                // Another webhook is not held.
                #expect(try await b.reserveSend(endpoint: Self.hook + "x", budget: Self.budget, now: t0.addingTimeInterval(5)) == nil)
                let hash = KeyHash.sha256Hex(Self.hook)
                let stored = try await a.read { conn in
                    try await a.rows(conn, "SELECT endpoint_hash FROM receiver_sends UNION ALL SELECT endpoint_hash FROM receiver_holds")
                        .map { try $0[0].decode(String.self) }
                }
                #expect(stored.count == 3)
                #expect(stored.filter { $0 == hash }.count == 2)
                #expect(stored.allSatisfy { $0.count == 64 && !$0.contains("token") && !$0.contains("discord") })
                // Two minutes later the sends of a minute ago no longer count, and are gone.
                #expect(try await a.reserveSend(endpoint: Self.hook, budget: Self.budget, now: t0.addingTimeInterval(130)) == nil)
                let left = try await a.read { conn in
                    try await a.rows(conn, "SELECT count(*) FROM receiver_sends WHERE endpoint_hash = \(hash)").map { try $0[0].decode(Int64.self) }
                }
                #expect(left == [1])
            }
        }
    }
}
