import Hummingbird

/// The request context of Squawk's API: Hummingbird's core storage plus the authenticated owner.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The API key id the request authenticated as; set by ``AuthMiddleware``.
    public var owner: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.owner = nil
    }

    /// Request bodies are small JSON documents.
    public var maxUploadSize: Int { 64 * 1024 }
}
