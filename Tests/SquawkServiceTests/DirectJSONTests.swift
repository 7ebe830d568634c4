import Foundation
import SquawkCore
@testable import SquawkServer
import Testing

/// The read routes write subscriptions with the core's direct JSON writer; the plain reading is
/// `JSONEncoder` over the same DTO. Both must give the same bytes for any subscription.
@Suite("Direct JSON answers")
struct DirectJSONTests {
    static func subscription(_ i: Int, using rng: inout SplitMix64) -> Subscription {
        let texts = ["plain", "ünïcødé ✈️", "quote \" and \\ backslash", "slash / and tab \t", "control \u{01}\u{1F}", "", "<script>", "日本語"]
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        let kinds: [TargetKind] = [.flight, .callsign, .user, .airport, .server]
        let created = Date(timeIntervalSince1970: 1_700_000_000 + Double(rng.next() % 100_000_000) + (rng.next() % 2 == 0 ? 0.5 : 0))
        var metadata: [String: String] = [:]
        for _ in 0..<Int(rng.next() % 4) { metadata[pick(texts) + "\(rng.next() % 100)"] = pick(texts) }
        var filters = SubscriptionFilters()
        if rng.next() % 3 == 0 { filters.virtualOrganization = pick(["DAL", "IFATC", "Ünï"]) }
        if rng.next() % 4 == 0 { filters.landing = .init(maxVerticalSpeed: -600.5, minGroundSpeed: Double(rng.next() % 200)) }
        let events = Array(EventType.allCases.filter { _ in rng.next() % 3 == 0 }.prefix(6))
        return Subscription(id: "sub_\(i)", ownerKeyId: "key_\(i % 7)", target: SubscriptionTarget(kind: pick(kinds), id: pick(["KLAX", "DAL*", pick(texts)])),
                            server: rng.next() % 2 == 0 ? nil : pick(["Expert Server", "casual"]), events: Set(events), filters: filters,
                            notifyEndpoint: "https://hooks.example.com/\(i)?q=\(pick(["a", "ü", "%20"]))", format: pick(PayloadFormat.allCases),
                            delivery: rng.next() % 2 == 0 ? DeliveryOptions() : DeliveryOptions(
                                maxPerMinute: Int(rng.next() % 60) + 1, maxAge: rng.next() % 2 == 0 ? nil : 900,
                                mentions: rng.next() % 2 == 0 ? nil : Mentions(roles: ["123"], users: [pick(texts)], events: [.takeoff, .flightOnline]),
                                card: rng.next() % 3 == 0 ? .live : nil),
                            description: rng.next() % 2 == 0 ? nil : pick(texts), metadata: metadata,
                            status: rng.next() % 5 == 0 ? .disabled : .active, disabledReason: rng.next() % 5 == 0 ? pick(texts) : nil,
                            createdAt: created, updatedAt: created.addingTimeInterval(Double(rng.next() % 1000)),
                            expiresAt: rng.next() % 3 == 0 ? created.addingTimeInterval(86_400) : nil)
    }

    @Test("2,000 generated subscriptions, with and without secrets, and their pages: the same bytes as JSONEncoder")
    func sameBytes() throws {
        var rng = SplitMix64(seed: 0xD1EC7)
        var page: [SubscriptionDTO] = []
        for i in 0..<2_000 {
            var dto = SubscriptionDTO(Self.subscription(i, using: &rng), secret: i % 10 == 0 ? "whsec_\(i)" : nil)
            if i % 3 == 0 {
                dto.secrets = (0..<Int(rng.next() % 4)).map { n in
                    SecretInfoDTO(createdAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(n) * 3_600.5),
                                  expiresAt: n == 0 ? nil : Date(timeIntervalSince1970: 1_800_000_000 + Double(n)))
                }
            }
            #expect(dto.jsonBytes == Array(try JSONEncoder.api.encode(dto)), "subscription \(i)")
            page.append(dto)
        }
        let list = SubscriptionListDTO(data: page, nextCursor: "sub_1999")
        #expect(list.jsonBytes == Array(try JSONEncoder.api.encode(list)))
        let empty = SubscriptionListDTO(data: [], nextCursor: nil)
        #expect(empty.jsonBytes == Array(try JSONEncoder.api.encode(empty)))
    }
}
