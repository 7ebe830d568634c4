import Testing

/// One named check of a store contract suite (``StoreContract``, ``DeliveryStoreContract``),
/// shown by its name in test output.
public struct ContractCase<Store>: Sendable, CustomStringConvertible, CustomTestStringConvertible {
    public let name: String
    public let run: @Sendable (Store) async throws -> Void

    public init(_ name: String, _ run: @escaping @Sendable (Store) async throws -> Void) {
        self.name = name
        self.run = run
    }

    public var description: String { name }
    public var testDescription: String { name }
}
