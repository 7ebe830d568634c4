import CCurl
import Foundation

// MARK: - CurlEngine

/// The shared half of ``CurlTransport``: the lock-protected hand-over between Swift tasks and
/// the curl thread, and the thread's outer loop. The thread-confined half (multi handle
/// driving, easy handles, callbacks) is ``CurlLoop``.
///
/// `@unchecked Sendable` because the compiler cannot see the discipline that makes it safe:
/// every mutable field lives in `state` and is read or written only while holding `lock`;
/// `multi` is an immutable pointer whose only use off the curl thread is `curl_multi_wakeup`,
/// which libcurl documents as callable from any thread. Everything else curl touches is
/// confined to the curl thread.
final class CurlEngine: @unchecked Sendable {
    // MARK: - State

    /// Where a request accepted by ``send(_:)`` is, seen from the calling side.
    private enum Registration {
        /// Accepted, continuation not yet created.
        case starting
        /// Cancelled before its continuation existed: ``enqueue(_:)`` fails it at once.
        case cancelledEarly
        /// Handed to the curl thread (queued or running there).
        case handedOver
    }

    private struct State {
        var nextID: UInt64 = 0
        /// Every request between ``send(_:)`` and its completion, and every batch between
        /// ``send(all:concurrency:)`` and its last request's completion.
        var registrations: [UInt64: Registration] = [:]
        var incoming: [CurlJob] = []
        var incomingBatches: [CurlBatch] = []
        var cancellations: [UInt64] = []
        var stopping = false
        var threadExited = false
        /// The thread is (about to be) inside `curl_multi_poll`.
        var polling = false
        /// A wakeup was already sent during this poll.
        var wakeSent = false
        var responses = 0
        var failures = 0
        var connectionsOpened = 0
        /// The curl thread while it runs; cleared when it exits, which breaks the
        /// engine → thread → thread body → engine cycle so the engine can be freed.
        var thread: Thread?
    }

    private let lock = NSCondition()
    private var state = State()
    private let multi: UnsafeMutableRawPointer
    private let configuration: CurlTransport.Configuration

    /// `curl_global_init`, once per process (a lazily initialised static is thread-safe).
    private static let globalInit: CURLcode = squawk_curl_global_init()

    // MARK: - Lifecycle

    init(configuration: CurlTransport.Configuration) {
        precondition(Self.globalInit == CURLE_OK, "curl_global_init failed")
        guard let multi = curl_multi_init() else { preconditionFailure("curl_multi_init failed (out of memory)") }
        self.multi = multi
        self.configuration = configuration
        _ = squawk_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxTotalConnections)
        _ = squawk_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxHostConnections)
        _ = squawk_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxCachedConnections)
        _ = squawk_multi_setopt_long(multi, CURLMOPT_PIPELINING, configuration.multiplexing ? 2 /* CURLPIPE_MULTIPLEX */ : 0)
        let thread = Thread { [self] in self.run() }
        thread.name = "squawk-curl"
        state.thread = thread
        thread.start()
    }

    deinit {
        // Reached only after the thread has exited (it holds a strong reference while running),
        // and after ``CurlLoop/close(failingWith:)`` removed and freed every easy handle.
        curl_multi_cleanup(multi)
    }

    /// Asks the thread to stop; with `wait`, blocks until it has (unless called on the thread).
    func stop(wait: Bool) {
        let first = lock.withLock { () -> Bool in
            guard !state.stopping else { return false }
            state.stopping = true
            return true
        }
        if first { curl_multi_wakeup(multi) }
        guard wait else { return }
        lock.withLock {
            while !state.threadExited, state.thread !== Thread.current { lock.wait() }
        }
    }

    var statistics: CurlTransport.Statistics {
        lock.withLock {
            CurlTransport.Statistics(
                inFlight: state.registrations.count,
                responses: state.responses,
                failures: state.failures,
                connectionsOpened: state.connectionsOpened)
        }
    }

    // MARK: - Calling side

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        if configuration.proxy != nil, let refusal = await ProxyDestinationCheck.refusal(request) {
            request.onEnd?()
            throw refusal
        }
        let accepted = ContinuousClock.now
        let id = register()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                enqueue(CurlJob(id: id, request: request, accepted: accepted, sink: .caller(continuation)))
            }
        } onCancel: {
            cancel(id)
        }
    }

    /// Sends every request with one hand-over to the curl thread and one resumption (see
    /// ``CurlBatch``); cancelling the calling task ends the requests not yet ended as cancelled.
    func send(all requests: [HTTPRequest], concurrency: Int) async -> [HTTPExchange] {
        guard !requests.isEmpty else { return [] }
        guard configuration.proxy != nil else { return await handOverBatch(requests, concurrency: concurrency) }
        // Through a proxy: destinations are vetted first (see ``ProxyDestinationCheck``); the
        // refused ones end here, the rest go as one batch.
        var refusals = [HTTPTransportError?](repeating: nil, count: requests.count)
        await withTaskGroup(of: (Int, HTTPTransportError?).self) { group in
            for (i, request) in requests.enumerated() { group.addTask { (i, await ProxyDestinationCheck.refusal(request)) } }
            for await (i, refusal) in group { refusals[i] = refusal }
        }
        let passing = requests.indices.filter { refusals[$0] == nil }
        var results = requests.indices.map { i -> HTTPExchange in
            if let refusal = refusals[i] { requests[i].onEnd?(); return HTTPExchange(result: .failure(refusal), elapsed: .zero) }
            return HTTPExchange(result: .failure(HTTPRequest.notSent), elapsed: .zero)
        }
        if !passing.isEmpty {
            for (i, exchange) in zip(passing, await handOverBatch(passing.map { requests[$0] }, concurrency: concurrency)) { results[i] = exchange }
        }
        return results
    }

    private func handOverBatch(_ requests: [HTTPRequest], concurrency: Int) async -> [HTTPExchange] {
        let id = register()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[HTTPExchange], Never>) in
                let batch = CurlBatch(id: id, requests: requests, concurrency: concurrency, continuation: continuation)
                if let refusal = handOver(id, count: requests.count, { $0.incomingBatches.append(batch) }) {
                    for request in requests { request.onEnd?() }
                    continuation.resume(returning: requests.map { _ in HTTPExchange(result: .failure(refusal), elapsed: .zero) })
                }
            }
        } onCancel: {
            cancel(id)
        }
    }

    private func register() -> UInt64 {
        lock.withLock {
            state.nextID &+= 1
            state.registrations[state.nextID] = .starting
            return state.nextID
        }
    }

    /// Hands `job` to the thread, or fails it at once if it was cancelled already or the
    /// transport is stopping.
    private func enqueue(_ job: CurlJob) {
        guard case .caller(let continuation) = job.sink else { return }
        if let refusal = handOver(job.id, count: 1, { $0.incoming.append(job) }) {
            job.request.onEnd?()
            continuation.resume(throwing: refusal)
        }
    }

    /// Under the lock: `add`s the work registered as `id` (of `count` requests) for the
    /// thread and wakes it if needed, or returns why it is refused (the transport is stopping,
    /// or the caller was cancelled first); the caller then fails it.
    private func handOver(_ id: UInt64, count: Int, _ add: (inout State) -> Void) -> HTTPTransportError? {
        var refusal: HTTPTransportError?
        var wake = false
        lock.withLock {
            if state.stopping {
                refusal = HTTPTransportError(.cancelled, "the HTTP transport is shut down")
                state.registrations[id] = nil
            } else if state.registrations[id] == .cancelledEarly {
                refusal = HTTPTransportError(.cancelled, "the request was cancelled before it was sent")
                state.registrations[id] = nil
            } else {
                state.registrations[id] = .handedOver
                add(&state)
                wake = needsWakeLocked()
            }
            if refusal != nil { state.failures += count }
        }
        if wake { curl_multi_wakeup(multi) }
        return refusal
    }

    /// Called by task cancellation (any thread, possibly before ``enqueue(_:)``).
    private func cancel(_ id: UInt64) {
        let wake = lock.withLock { () -> Bool in
            switch state.registrations[id] {
            case .starting:
                state.registrations[id] = .cancelledEarly
                return false
            case .handedOver:
                state.cancellations.append(id)
                return needsWakeLocked()
            case .cancelledEarly, nil:
                return false  // already cancelled, or already finished
            }
        }
        if wake { curl_multi_wakeup(multi) }
    }

    /// One wakeup per poll is enough; the thread drains everything when it wakes.
    private func needsWakeLocked() -> Bool {
        guard state.polling, !state.wakeSent else { return false }
        state.wakeSent = true
        return true
    }

    // MARK: - Curl thread

    /// The thread's whole life: take new work, drive curl, deliver completions, sleep in
    /// `curl_multi_poll` until curl or a wakeup needs attention.
    private func run() {
        let loop = CurlLoop(multi: multi, maxConcurrentTransfers: configuration.maxConcurrentTransfers, proxy: configuration.proxy)
        while true {
            let (jobs, batches, cancellations, stopping) = lock.withLock {
                state.polling = false
                defer {
                    state.incoming.removeAll(keepingCapacity: true)
                    state.incomingBatches.removeAll(keepingCapacity: true)
                    state.cancellations.removeAll()
                }
                return (state.incoming, state.incomingBatches, state.cancellations, state.stopping)
            }
            if stopping { break }
            loop.accept(jobs)
            for batch in batches { loop.accept(batch) }
            loop.cancel(cancellations)
            loop.step()
            deliver(loop.takeCompletions(), loop.takeFinishedBatches())
            let mayPoll = lock.withLock { () -> Bool in
                guard state.incoming.isEmpty, state.incomingBatches.isEmpty, state.cancellations.isEmpty, !state.stopping else { return false }
                state.polling = true
                state.wakeSent = false
                return true
            }
            if mayPoll { loop.poll(timeoutMilliseconds: 1000) }
        }
        let shutDown = HTTPTransportError(.cancelled, "the HTTP transport was shut down")
        // Work handed over after the last drain never reached the loop: it is failed with the rest.
        let (leftover, leftoverBatches) = lock.withLock { () -> ([CurlJob], [CurlBatch]) in
            defer { state.incoming.removeAll(); state.incomingBatches.removeAll() }
            return (state.incoming, state.incomingBatches)
        }
        loop.accept(leftover)
        for batch in leftoverBatches { loop.accept(batch) }
        loop.close(failingWith: shutDown)
        deliver(loop.takeCompletions(), loop.takeFinishedBatches())
        lock.withLock {
            state.threadExited = true
            state.thread = nil
            lock.broadcast()
        }
    }

    /// Unregisters finished requests (so ``statistics`` never counts a delivered one), then
    /// resumes their continuations outside the lock.
    private func deliver(_ completions: [CurlCompletion], _ batches: [CurlBatch]) {
        guard !completions.isEmpty || !batches.isEmpty else { return }
        lock.withLock {
            for completion in completions {
                state.registrations[completion.job.id] = nil
                state.connectionsOpened += completion.connectionsOpened
                switch completion.result {
                case .success: state.responses += 1
                case .failure: state.failures += 1
                }
            }
            for batch in batches {
                state.registrations[batch.id] = nil
                state.connectionsOpened += batch.connectionsOpened
                for case let exchange? in batch.exchanges {
                    switch exchange.result {
                    case .success: state.responses += 1
                    case .failure: state.failures += 1
                    }
                }
            }
        }
        for completion in completions {
            guard case .caller(let continuation) = completion.job.sink else { continue }
            switch completion.result {
            case .success(let response): continuation.resume(returning: response)
            case .failure(let error): continuation.resume(throwing: error)
            }
        }
        for batch in batches { batch.continuation.resume(returning: batch.results) }
    }
}
