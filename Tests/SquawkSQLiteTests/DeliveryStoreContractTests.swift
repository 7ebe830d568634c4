import SquawkSQLite
import SquawkStore
import SquawkTesting
import Testing

/// The delivery store contract (``DeliveryStoreContract``) against SQLite: a fresh temporary file
/// per case (the production configuration: pool, WAL), and the in-memory variant tests may use.
/// Each case gets its own database: claims and queue statistics see the whole queue.
@Suite("SQLite delivery store contract")
struct DeliveryStoreContractTests {
    @Test("file-backed store", arguments: DeliveryStoreContract.all)
    func fileBacked(_ check: DeliveryStoreContract.Case) async throws {
        let store = try SQLiteStore.temporary()
        try await check.run(store)
    }

    @Test("live cards", arguments: CardStoreContract.all)
    func cards(_ check: CardStoreContract.Case) async throws {
        try await check.run(try SQLiteStore.temporary())
    }

    @Test("delivery activity", arguments: ActivityContract.all)
    func activity(_ check: ActivityContract.Case) async throws {
        try await check.run(try SQLiteStore.temporary())
    }

    @Test("in-memory store", arguments: DeliveryStoreContract.all)
    func inMemory(_ check: DeliveryStoreContract.Case) async throws {
        let store = try SQLiteStore.inMemory()
        try await check.run(store)
    }
}
