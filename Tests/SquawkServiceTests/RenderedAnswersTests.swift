import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import SquawkCore
@testable import SquawkServer
import SquawkSQLite
import SquawkStore
import Testing

/// The kept answers of `GET /v1/subscriptions[/{id}]` against a plain reading: an API over the
/// same store that keeps nothing. After every write (through the API, the delivery path, or
/// another connection to the file) and every move of the clock past a secret's expiry, both
/// answer the same bytes.
@Suite("Kept subscription answers")
struct RenderedAnswersTests {
    static let otherKey = "sqk_other_kept_key"

    struct Harness {
        let store: SQLiteStore
        let other: SQLiteStore
        let clock: NIOLockedValueBox<Date>
        let kept: Application<RouterResponder<APIContext>>
        let plain: Application<RouterResponder<APIContext>>
        let answers: RenderedAnswers

        init() async throws {
            let store = try SQLiteStore.temporary()
            self.store = store
            other = try SQLiteStore(path: try #require(store.path))
            try await store.insertKey(APIKeyRecord(id: "key_other", name: "other", prefix: "sqk_othe", hash: KeyHash.sha256Hex(RenderedAnswersTests.otherKey),
                                                   createdAt: Date()))
            let clock = NIOLockedValueBox(Date(timeIntervalSince1970: 1_800_000_000))
            self.clock = clock
            let deps = { (answers: RenderedAnswers) -> APIDependencies in
                var d = APIDependencies(subscriptions: store, keys: store, rules: SubscriptionRules(), adminKeyHash: KeyHash.sha256Hex(APIHarness.adminKey),
                                        now: { clock.withLockedValue { $0 } }, deliveries: store)
                d.limits = KeyLimits(maxSubscriptions: 0, writesPerMinute: 0)
                d.rendered = answers
                return d
            }
            let answers = RenderedAnswers()
            self.answers = answers
            kept = Application(router: APIRouter.make(deps(answers)).router)
            plain = Application(router: APIRouter.make(deps(RenderedAnswers(maxBytes: 0))).router)
        }
    }

    static func answer(_ client: some TestClientProtocol, _ uri: String, key: String) async throws -> (Int, ByteBuffer) {
        let r = try await client.execute(uri: uri, method: .get, headers: APIHarness.headers(key: key), body: nil)
        return (r.status.code, r.body)
    }

    @Test("400 random steps over two keys: every list page and every subscription read answers exactly what an API keeping nothing answers")
    func againstPlainAnswers() async throws {
        let h = try await Harness()
        try await h.kept.test(.router) { kept in
            try await h.plain.test(.router) { plain in
                var rng = SystemRandomNumberGenerator()
                var ids: [(id: String, key: String)] = []
                var otherConnectionWrites = 0
                /// Random reads of both keys through both APIs; `until` retries while they differ (another connection's write).
                func compare(_ step: Int, until deadline: ContinuousClock.Instant? = nil) async throws {
                    for key in [APIHarness.adminKey, Self.otherKey] {
                        var uris = ["/v1/subscriptions?limit=\(Int.random(in: 1...4, using: &rng))",
                                    "/v1/subscriptions?status=\(Bool.random(using: &rng) ? "active" : "disabled")",
                                    "/v1/subscriptions"]
                        if let pick = ids.randomElement(using: &rng) {
                            uris.append("/v1/subscriptions/\(pick.id)")
                            uris.append("/v1/subscriptions?limit=2&cursor=\(pick.id)")
                        }
                        for uri in uris {
                            while true {
                                let a = try await Self.answer(kept, uri, key: key)
                                let b = try await Self.answer(plain, uri, key: key)
                                if a.0 == b.0 && a.1 == b.1 { break }
                                guard let deadline, ContinuousClock.now < deadline else {
                                    Issue.record("step \(step) \(uri) as \(key): kept \(a.0) \(String(buffer: a.1)) vs plain \(b.0) \(String(buffer: b.1))")
                                    return
                                }
                                try await Task.sleep(for: .milliseconds(20))
                            }
                        }
                    }
                }
                for step in 0..<400 {
                    let key = Bool.random(using: &rng) ? APIHarness.adminKey : Self.otherKey
                    let mine = ids.filter { $0.key == key }.randomElement(using: &rng)?.id
                    var deadline: ContinuousClock.Instant?
                    switch Int.random(in: 0..<10, using: &rng) {
                    case 0, 1:
                        let r = try await kept.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(key: key),
                                                       body: ByteBuffer(string: createBody(callsign: "DAL\(step)")))
                        #expect(r.status == .created)
                        if let id = try r.object()["id"] as? String { ids.append((id, key)) }
                    case 2:
                        guard let mine else { continue }
                        _ = try await kept.execute(uri: "/v1/subscriptions/\(mine)", method: .patch, headers: APIHarness.headers(key: key),
                                                   body: ByteBuffer(string: #"{"description": "step \#(step)"}"#))
                    case 3, 4:
                        guard let mine else { continue }
                        _ = try await kept.execute(uri: "/v1/subscriptions/\(mine)/\(Bool.random(using: &rng) ? "pause" : "enable")", method: .post,
                                                   headers: APIHarness.headers(key: key), body: nil)
                    case 5:
                        guard let mine else { continue }
                        _ = try await kept.execute(uri: "/v1/subscriptions/\(mine)/rotate-secret", method: .post, headers: APIHarness.headers(key: key),
                                                   body: ByteBuffer(string: #"{"expiresIn": \#(Int.random(in: 0...60, using: &rng))}"#))
                    case 6:
                        guard let mine, Int.random(in: 0..<3, using: &rng) == 0 else { continue }
                        _ = try await kept.execute(uri: "/v1/subscriptions/\(mine)", method: .delete, headers: APIHarness.headers(key: key), body: nil)
                    case 7:
                        // The delivery path disabling a subscription (a 410 from its endpoint).
                        guard let pick = ids.randomElement(using: &rng) else { continue }
                        try? await h.store.setStatus(id: pick.id, status: .disabled, reason: "endpoint gone", at: h.clock.withLockedValue { $0 })
                    case 8:
                        h.clock.withLockedValue { $0 += Double(Int.random(in: 0...45, using: &rng)) }
                    default:
                        // Another process on the same file (squawk keys …): seen after the next data version check.
                        guard otherConnectionWrites < 6, let pick = ids.randomElement(using: &rng) else { continue }
                        otherConnectionWrites += 1
                        try? await h.other.setStatus(id: pick.id, status: Bool.random(using: &rng) ? .active : .disabled, reason: nil,
                                                    at: h.clock.withLockedValue { $0 })
                        deadline = .now + .seconds(6)
                    }
                    try await compare(step, until: deadline)
                }
                #expect(ids.count > 40)
                #expect(otherConnectionWrites > 0)
            }
        }
        #expect(h.answers.hits > 100, "kept answers were served (\(h.answers.hits) times)")
        #expect(h.answers.count > 0)
    }

    @Test("a kept subscription answer stops at its previous secret's expiry, with nothing written")
    func secretExpiry() async throws {
        let h = try await Harness()
        try await h.kept.test(.router) { kept in
            let r = try await kept.execute(uri: "/v1/subscriptions", method: .post, headers: APIHarness.headers(), body: ByteBuffer(string: createBody()))
            let id = try #require(try r.object()["id"] as? String)
            _ = try await kept.execute(uri: "/v1/subscriptions/\(id)/rotate-secret", method: .post, headers: APIHarness.headers(),
                                       body: ByteBuffer(string: #"{"expiresIn": 30}"#))
            func secrets() async throws -> Int {
                let r = try await kept.execute(uri: "/v1/subscriptions/\(id)", method: .get, headers: APIHarness.headers(), body: nil)
                return try (r.object()["secrets"] as? [Any])?.count ?? -1
            }
            #expect(try await secrets() == 2)
            #expect(try await secrets() == 2)
            let hits = h.answers.hits
            #expect(hits >= 1, "the second read was the kept answer")
            h.clock.withLockedValue { $0 += 29.999 }
            #expect(try await secrets() == 2)
            #expect(h.answers.hits == hits + 1)
            h.clock.withLockedValue { $0 += 0.001 }
            #expect(try await secrets() == 1, "the expired secret is gone at its expiry")
        }
    }
}
