/// The pages of a paginated Live API list as an `AsyncSequence`, fetched lazily: page 1, 2, …
/// until a page reports `hasNextPage == false`.
///
/// As a guard against a server that never says "last page", iteration also ends after a page
/// with no entries. Each page costs one request of the budget, so read only as far as needed.
public struct LiveAPIPages<Item: Decodable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = PaginatedList<Item>
    public typealias Failure = LiveAPIError

    let client: LiveAPIClient
    let endpoint: @Sendable (Int) -> LiveAPIEndpoint<PaginatedList<Item>>

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(client: client, endpoint: endpoint, nextPage: 1)
    }

    // MARK: - Iterator

    /// Fetches the next page on each `next()`.
    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let client: LiveAPIClient
        let endpoint: @Sendable (Int) -> LiveAPIEndpoint<PaginatedList<Item>>
        /// The page to fetch next; `nil` once the last page was returned.
        var nextPage: Int?

        public mutating func next() async throws(LiveAPIError) -> PaginatedList<Item>? {
            guard let page = nextPage else { return nil }
            nextPage = nil
            let list = try await client.fetch(endpoint(page)).value
            if list.hasNextPage, !list.data.isEmpty { nextPage = page + 1 }
            return list
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(LiveAPIError) -> PaginatedList<Item>? {
            try await next()
        }
    }
}
