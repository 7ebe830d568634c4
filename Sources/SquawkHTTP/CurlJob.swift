// MARK: - CurlJob

/// A request handed from ``CurlEngine`` to the curl thread: everything the thread needs, and
/// where its outcome goes, exactly once.
struct CurlJob: Sendable {
    /// Where a job's outcome goes.
    enum Sink: Sendable {
        /// The task that called ``CurlEngine/send(_:)``, waiting on its continuation.
        case caller(CheckedContinuation<HTTPResponse, any Error>)
        /// Place `index` of a batch (``CurlEngine/send(all:concurrency:)``), whose one
        /// continuation is resumed when its last request ends.
        case batch(CurlBatch, index: Int)
    }

    let id: UInt64
    let request: HTTPRequest
    /// When it was handed over (for a batch: when its turn within the batch came); the
    /// request's timeout counts from here.
    let accepted: ContinuousClock.Instant
    let sink: Sink
}

// MARK: - CurlCompletion

/// How a caller's job ended, produced on the curl thread and delivered by ``CurlEngine``.
struct CurlCompletion {
    let job: CurlJob
    let result: Result<HTTPResponse, HTTPTransportError>
    /// New connections the transfer opened (`CURLINFO_NUM_CONNECTS`).
    let connectionsOpened: Int
}

// MARK: - CurlBatch

/// Requests sent together by ``CurlEngine/send(all:concurrency:)``: at most `concurrency` of
/// them run at once, each next one is started on the curl thread as soon as an earlier one
/// ends, and the caller is resumed once, with every outcome, when the last one ends. A
/// thousand webhooks thus cost one hand-over and one resumption, not a thousand of each.
///
/// `@unchecked Sendable`: created by the calling task, then touched only by the curl thread
/// until it resumes `continuation` (which publishes `exchanges` to the caller); `id`,
/// `requests` and `concurrency` never change.
final class CurlBatch: @unchecked Sendable {
    let id: UInt64
    let requests: [HTTPRequest]
    let concurrency: Int
    let continuation: CheckedContinuation<[HTTPExchange], Never>
    /// Outcomes by index; filled on the curl thread.
    var exchanges: [HTTPExchange?]
    /// The next index to start.
    var next = 0
    /// Requests not yet ended.
    var remaining: Int
    var cancelled = false
    var connectionsOpened = 0

    init(id: UInt64, requests: [HTTPRequest], concurrency: Int, continuation: CheckedContinuation<[HTTPExchange], Never>) {
        self.id = id
        self.requests = requests
        self.concurrency = max(1, concurrency)
        self.continuation = continuation
        exchanges = Array(repeating: nil, count: requests.count)
        remaining = requests.count
    }

    /// Records the outcome of place `index`; true when it was the last one.
    func record(_ index: Int, _ exchange: HTTPExchange, connectionsOpened: Int) -> Bool {
        guard exchanges[index] == nil else { return false }
        exchanges[index] = exchange
        self.connectionsOpened += connectionsOpened
        remaining -= 1
        return remaining == 0
    }

    /// Every outcome, in request order (call once `remaining` is 0).
    var results: [HTTPExchange] {
        exchanges.map { $0 ?? HTTPExchange(result: .failure(HTTPTransportError(.cancelled, "the request was not sent")), elapsed: .zero) }
    }
}
