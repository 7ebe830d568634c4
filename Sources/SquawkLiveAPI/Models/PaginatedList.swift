/// One page of a user's logbook (flights or ATC sessions). Pages are numbered from 1.
public struct PaginatedList<Item> {
    public var pageIndex: Int
    public var totalPages: Int
    public var totalCount: Int
    public var hasPreviousPage: Bool
    public var hasNextPage: Bool
    public var data: [Item]

    public init(pageIndex: Int, totalPages: Int, totalCount: Int, hasPreviousPage: Bool, hasNextPage: Bool, data: [Item]) {
        self.pageIndex = pageIndex
        self.totalPages = totalPages
        self.totalCount = totalCount
        self.hasPreviousPage = hasPreviousPage
        self.hasNextPage = hasNextPage
        self.data = data
    }
}

// MARK: - Conformances

extension PaginatedList: Sendable where Item: Sendable {}
extension PaginatedList: Equatable where Item: Equatable {}
extension PaginatedList: Hashable where Item: Hashable {}
extension PaginatedList: Decodable where Item: Decodable {}
extension PaginatedList: Encodable where Item: Encodable {}
