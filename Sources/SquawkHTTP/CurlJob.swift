// MARK: - CurlJob

/// A request handed from ``CurlEngine/send(_:)`` to the curl thread: everything the thread
/// needs, and the continuation it resumes exactly once.
struct CurlJob: Sendable {
    let id: UInt64
    let request: HTTPRequest
    /// When ``CurlEngine/send(_:)`` accepted it; the request's timeout counts from here.
    let accepted: ContinuousClock.Instant
    let continuation: CheckedContinuation<HTTPResponse, any Error>
}

// MARK: - CurlCompletion

/// How a job ended, produced on the curl thread and delivered by ``CurlEngine``.
struct CurlCompletion {
    let job: CurlJob
    let result: Result<HTTPResponse, HTTPTransportError>
    /// New connections the transfer opened (`CURLINFO_NUM_CONNECTS`).
    let connectionsOpened: Int
}
