import SquawkCore

extension SessionInfo {
    // MARK: - Mapping to SquawkCore

    /// This session as the server reference of a snapshot.
    public var serverRef: ServerRef { ServerRef(id: id, name: name) }
}
