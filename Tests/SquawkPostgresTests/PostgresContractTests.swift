import SquawkPostgres
import SquawkStore
import SquawkTesting
import Testing

/// The store contracts (``StoreContract``, ``DeliveryStoreContract``) against PostgreSQL, each case
/// on a fresh schema of its own (claims and queue statistics see the whole queue), plus all
/// subscription cases on one shared schema, as several instances would share a database.
@Suite("PostgreSQL store contracts", PostgresTestDatabase.available)
struct PostgresContractTests {
    @Test("store contract", arguments: StoreContract.all)
    func store(_ check: StoreContract.Case) async throws {
        try await PostgresTestDatabase.withStore { try await check.run($0) }
    }

    @Test("delivery store contract", arguments: DeliveryStoreContract.all)
    func deliveries(_ check: DeliveryStoreContract.Case) async throws {
        try await PostgresTestDatabase.withStore { try await check.run($0) }
    }

    @Test("live card contract", arguments: CardStoreContract.all)
    func cards(_ check: CardStoreContract.Case) async throws {
        try await PostgresTestDatabase.withStore { try await check.run($0) }
    }

    @Test("delivery activity contract", arguments: ActivityContract.all)
    func activity(_ check: ActivityContract.Case) async throws {
        try await PostgresTestDatabase.withStore { try await check.run($0) }
    }

    @Test("all store cases on one shared schema")
    func sharedSchema() async throws {
        try await PostgresTestDatabase.withStore { store in
            for check in StoreContract.all { try await check.run(store) }
        }
    }
}
