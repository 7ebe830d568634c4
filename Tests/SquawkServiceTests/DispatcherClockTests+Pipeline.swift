import Foundation
import SquawkCore
@testable import SquawkServer
import SquawkStore
import Testing

/// The pipelined loop's claims against its own batches still in flight.
extension DispatcherClockTests {
    @Test("pipeline: a batch still on the wire when its lease is about to end is acknowledged before the next claim, which would otherwise take its rows back and send them twice")
    func ownBatchNotReclaimed() async throws {
        let transport = ScriptedTransport()
        transport.holdURLsContaining.withLockedValue { $0 = ["/hooks/a", "/hooks/b"] }
        let rig = try Rig(configure: { $0.batchSize = 1; $0.pipelineDepth = 2; $0.lease = .seconds(10) }, transport: transport)
        let a = try await rig.subscribe("a"), b = try await rig.subscribe("b")
        let ea = H.event(1, flight: "F1"), eb = H.event(2, flight: "F2")
        try await rig.running {
            try await rig.enqueue([ea], to: a)
            try await rig.enqueue([eb], to: b)
            try await Self.until("both batches on the wire") { transport.heldCount == 2 }
            // a's claim has run out by the time b's batch comes back and the loop may claim again.
            rig.clock.advance(by: .seconds(11))
            transport.release("/hooks/b")
            try await Self.until("b acknowledged") { try await rig.delivery(eb, of: b).status == .delivered }
            transport.release("/hooks/a")
            try await Self.until("a acknowledged") { try await rig.delivery(ea, of: a).status == .delivered }
            try await rig.settle()
        }
        #expect(transport.urls.filter { $0.hasSuffix("/hooks/a") }.count == 1, "a was sent once: \(transport.urls)")
        #expect(try await rig.attemptTimes(ea, of: a) == [0])
    }
}
