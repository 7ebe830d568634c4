import Foundation
import SquawkCore
import SquawkStore

/// A request budget shared by the instances of a cluster, one holder at a time: the polling
/// leader writes the times of its requests to the store *before* sending each one (key
/// `budget/<job>`), and a new leader starts from them. Without it a leader elected right after
/// another had spent its minute's requests could spend a second minute's worth in the same
/// sixty seconds; with it, the budget holds across a handover (FACTS.md: never exceeded).
enum SharedBudget {
    static func key(_ job: String) -> String { "budget/" + job }

    /// Records `spent` for `job`.
    static func save(_ spent: [Date], job: String, store: any PollerStateStore, now: Date) async throws {
        let seconds = spent.map(\.timeIntervalSince1970)
        try await store.savePollerState(key: key(job), value: try JSONEncoder().encode(seconds), at: now)
    }

    /// The request times the previous holder recorded (empty when none).
    static func load(job: String, store: any PollerStateStore) async throws -> [Date] {
        guard let data = try await store.loadPollerStates()[key(job)],
              let seconds = try? JSONDecoder().decode([Double].self, from: data) else { return [] }
        return seconds.map { Date(timeIntervalSince1970: $0) }
    }
}
