import Foundation
import SquawkCore
import SquawkStore
import Testing

extension StoreContract {
    // MARK: - Changes

    /// Update replaces the mutable fields; the target, owner and creation time stay.
    public static func update(_ store: Store) async throws {
        let f = Fixture()
        let sub = f.subscription(0, target: SubscriptionTarget(kind: .callsign, id: "DAL40"), events: [.takeoff],
                                 description: "old", metadata: ["a": "1"])
        _ = try await store.create(sub, secret: f.secret(0), idempotency: nil)

        var changed = sub
        changed.events = [.landing, .diverted, .approaching]
        changed.notifyEndpoint = "https://hooks.example/new"
        changed.format = .slack
        changed.description = nil
        changed.metadata = ["b": "2", "c": "three"]
        changed.server = "Casual Server"
        changed.filters = SubscriptionFilters(
            frequencyTypes: [.approach, .tower], virtualOrganization: "IFAE*", origin: ["KLAX"], destination: ["EGLL", "KJFK"],
            aircraft: ["Airbus A350-900", "de510d3d-04f8-46e0-8d65-55b888f33129"],
            landing: .init(maxVerticalSpeed: -600.5, minGroundSpeed: 80))
        changed.expiresAt = f.at(50_000)
        changed.delivery = DeliveryOptions(maxPerMinute: 12, maxAge: 3_600)
        changed.status = .disabled
        changed.disabledReason = "endpoint answered 410"
        changed.updatedAt = f.at(1_000)
        try await store.update(changed)
        #expect(try await store.get(id: sub.id, owner: f.owner) == changed)

        // Back to nils and empties.
        var cleared = changed
        cleared.events = []
        cleared.metadata = [:]
        cleared.server = nil
        cleared.filters = SubscriptionFilters()
        cleared.expiresAt = nil
        cleared.delivery = DeliveryOptions()
        cleared.status = .active
        cleared.disabledReason = nil
        cleared.updatedAt = f.at(2_000)
        try await store.update(cleared)
        #expect(try await store.get(id: sub.id, owner: f.owner) == cleared)

        // Immutable fields are ignored.
        var retargeted = cleared
        retargeted.target = SubscriptionTarget(kind: .airport, id: "KJFK")
        retargeted.createdAt = f.at(9_999)
        try await store.update(retargeted)
        #expect(try await store.get(id: sub.id, owner: f.owner) == cleared)

        await expectStoreError(.notFound) { try await store.update(f.subscription(77)) }
    }

    /// Delete removes the row and its secrets once; a second delete is false.
    public static func delete(_ store: Store) async throws {
        let f = Fixture()
        let sub = f.subscription(0)
        _ = try await store.create(sub, secret: f.secret(0), idempotency: nil)
        try await store.rotateSecret(id: sub.id, owner: f.owner, newSecret: f.secret(1, at: 100), previousExpiresAt: f.at(100_000))
        let count = try await store.count()
        #expect(try await store.delete(id: sub.id, owner: f.owner))
        #expect(try await store.get(id: sub.id, owner: f.owner) == nil)
        #expect(try await store.secrets(subscriptionId: sub.id, now: f.at(200)).isEmpty)
        #expect(try await store.count() == count - 1)
        #expect(try await store.delete(id: sub.id, owner: f.owner) == false)
        #expect(try await store.delete(id: f.id(42), owner: f.owner) == false)
    }

    /// Rotation keeps the previous secret until its expiry, current first; expired ones are
    /// dropped at the next rotation; a rotation without overlap leaves only the new secret.
    public static func rotateSecretOverlap(_ store: Store) async throws {
        let f = Fixture()
        let hour = 3_600_000
        let sub = f.subscription(0)
        let s1 = f.secret(1, at: 0)
        _ = try await store.create(sub, secret: s1, idempotency: nil)

        let s2 = f.secret(2, at: hour)
        try await store.rotateSecret(id: sub.id, owner: f.owner, newSecret: s2, previousExpiresAt: f.at(25 * hour))
        var s1Expiring = s1
        s1Expiring.expiresAt = f.at(25 * hour)
        #expect(try await store.secrets(subscriptionId: sub.id, now: f.at(hour)) == [s2, s1Expiring])
        #expect(try await store.secrets(subscriptionId: sub.id, now: f.at(25 * hour - 1)) == [s2, s1Expiring])
        #expect(try await store.secrets(subscriptionId: sub.id, now: f.at(25 * hour)) == [s2])

        // The next rotation, after s1's window, deletes s1 for good.
        let s3 = f.secret(3, at: 26 * hour)
        try await store.rotateSecret(id: sub.id, owner: f.owner, newSecret: s3, previousExpiresAt: f.at(50 * hour))
        var s2Expiring = s2
        s2Expiring.expiresAt = f.at(50 * hour)
        #expect(try await store.secrets(subscriptionId: sub.id, now: f.at(26 * hour)) == [s3, s2Expiring])
        #expect(try await store.secrets(subscriptionId: sub.id, now: f.at(hour)) == [s3, s2Expiring])

        // No overlap: every older secret expires at once and is gone, s2 (valid until 50 h) too.
        let s4 = f.secret(4, at: 27 * hour)
        try await store.rotateSecret(id: sub.id, owner: f.owner, newSecret: s4, previousExpiresAt: f.at(27 * hour))
        #expect(try await store.secrets(subscriptionId: sub.id, now: f.at(27 * hour)) == [s4])
        #expect(try await store.secrets(subscriptionId: sub.id, now: f.at(0)).map(\.secret) == [s4.secret])

        // A shorter window than an older secret's cuts that one short too: no older secret
        // outlives a newer one.
        let s5 = f.secret(5, at: 27 * hour + 1)
        try await store.rotateSecret(id: sub.id, owner: f.owner, newSecret: s5, previousExpiresAt: f.at(60 * hour))
        let s6 = f.secret(6, at: 27 * hour + 2)
        try await store.rotateSecret(id: sub.id, owner: f.owner, newSecret: s6, previousExpiresAt: f.at(30 * hour))
        var s4Short = s4, s5Short = s5
        s4Short.expiresAt = f.at(30 * hour)
        s5Short.expiresAt = f.at(30 * hour)
        #expect(try await store.secrets(subscriptionId: sub.id, now: f.at(28 * hour)) == [s6, s5Short, s4Short])
        #expect(try await store.secrets(subscriptionId: sub.id, now: f.at(30 * hour)) == [s6])

        // Rotating often keeps at most three live secrets: the newest ones.
        for n in 7...9 {
            try await store.rotateSecret(id: sub.id, owner: f.owner, newSecret: f.secret(n, at: 27 * hour + n), previousExpiresAt: f.at(60 * hour))
        }
        let live = try await store.secrets(subscriptionId: sub.id, now: f.at(28 * hour))
        #expect(live.count == SigningSecret.maxLive)
        #expect(live.map(\.secret) == [f.secret(9, at: 0).secret, f.secret(8, at: 0).secret, f.secret(7, at: 0).secret])

        await expectStoreError(.notFound) {
            try await store.rotateSecret(id: f.id(9), owner: f.owner, newSecret: f.secret(9, at: 30 * hour), previousExpiresAt: f.at(31 * hour))
        }
    }

    /// `setStatus` works whatever the owner and moves subscriptions in and out of `allActive`.
    public static func setStatusAndAllActive(_ store: Store) async throws {
        let a = Fixture(), b = Fixture()
        let subs = [a.subscription(0), a.subscription(1), b.subscription(2), b.subscription(3, status: .disabled)]
        for (i, sub) in subs.enumerated() { _ = try await store.create(sub, secret: a.secret(i), idempotency: nil) }
        let ours = Set(subs.map(\.id))
        // Two fixtures: their ids interleave in any order, so compare as sets (order is checked below).
        func active() async throws -> Set<Subscription> { Set(try await store.allActive().filter { ours.contains($0.id) }) }

        #expect(try await active() == [subs[0], subs[1], subs[2]] as Set)

        try await store.setStatus(id: subs[1].id, status: .disabled, reason: "receiver answered 410", at: a.at(500))
        var disabled = subs[1]
        disabled.status = .disabled
        disabled.disabledReason = "receiver answered 410"
        disabled.updatedAt = a.at(500)
        #expect(try await store.get(id: subs[1].id, owner: a.owner) == disabled)
        #expect(try await active() == [subs[0], subs[2]] as Set)

        try await store.setStatus(id: subs[3].id, status: .active, reason: nil, at: a.at(600))
        var enabled = subs[3]
        enabled.status = .active
        enabled.disabledReason = nil
        enabled.updatedAt = a.at(600)
        #expect(try await active() == [subs[0], subs[2], enabled] as Set)
        // allActive is in id order across owners.
        let all = try await store.allActive().map(\.id)
        #expect(all == all.sorted())

        await expectStoreError(.notFound) { try await store.setStatus(id: a.id(99), status: .disabled, reason: nil, at: a.at(700)) }
    }
}
