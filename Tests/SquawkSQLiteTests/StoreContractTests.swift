import SquawkSQLite
import SquawkStore
import SquawkTesting
import Testing

/// The store contract (``StoreContract``) against SQLite: a fresh temporary file per case (the
/// production configuration: pool, WAL), and the in-memory variant tests may use.
@Suite("SQLite store contract")
struct StoreContractTests {
    @Test("file-backed store", arguments: StoreContract.all)
    func fileBacked(_ check: StoreContract.Case) async throws {
        let store = try SQLiteStore.temporary()
        try await check.run(store)
    }

    @Test("in-memory store", arguments: StoreContract.all)
    func inMemory(_ check: StoreContract.Case) async throws {
        let store = try SQLiteStore.inMemory()
        try await check.run(store)
    }

    @Test("all cases on one shared database (as a Postgres run would)")
    func sharedDatabase() async throws {
        let store = try SQLiteStore.temporary()
        for check in StoreContract.all { try await check.run(store) }
    }
}
