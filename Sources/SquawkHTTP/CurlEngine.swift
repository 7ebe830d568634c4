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
        /// Every request between ``send(_:)`` and its completion.
        var registrations: [UInt64: Registration] = [:]
        var incoming: [CurlJob] = []
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
        let accepted = ContinuousClock.now
        let id = lock.withLock { () -> UInt64 in
            state.nextID &+= 1
            state.registrations[state.nextID] = .starting
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                enqueue(CurlJob(id: id, request: request, accepted: accepted, continuation: continuation))
            }
        } onCancel: {
            cancel(id)
        }
    }

    /// Hands `job` to the thread, or fails it at once if it was cancelled already or the
    /// transport is stopping.
    private func enqueue(_ job: CurlJob) {
        var refusal: HTTPTransportError?
        var wake = false
        lock.withLock {
            if state.stopping {
                refusal = HTTPTransportError(.cancelled, "the HTTP transport is shut down")
                state.registrations[job.id] = nil
            } else if state.registrations[job.id] == .cancelledEarly {
                refusal = HTTPTransportError(.cancelled, "the request was cancelled before it was sent")
                state.registrations[job.id] = nil
            } else {
                state.registrations[job.id] = .handedOver
                state.incoming.append(job)
                wake = needsWakeLocked()
            }
            if refusal != nil { state.failures += 1 }
        }
        if let refusal {
            job.continuation.resume(throwing: refusal)
        } else if wake {
            curl_multi_wakeup(multi)
        }
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
        let loop = CurlLoop(multi: multi, maxConcurrentTransfers: configuration.maxConcurrentTransfers)
        while true {
            let (jobs, cancellations, stopping) = lock.withLock {
                state.polling = false
                defer { state.incoming.removeAll(keepingCapacity: true); state.cancellations.removeAll() }
                return (state.incoming, state.cancellations, state.stopping)
            }
            if stopping { break }
            loop.accept(jobs)
            loop.cancel(cancellations)
            loop.step()
            deliver(loop.takeCompletions())
            let mayPoll = lock.withLock { () -> Bool in
                guard state.incoming.isEmpty, state.cancellations.isEmpty, !state.stopping else { return false }
                state.polling = true
                state.wakeSent = false
                return true
            }
            if mayPoll { loop.poll(timeoutMilliseconds: 1000) }
        }
        loop.close(failingWith: HTTPTransportError(.cancelled, "the HTTP transport was shut down"))
        // Jobs handed over after the last drain never reached the loop: fail them too.
        let leftover = lock.withLock { () -> [CurlJob] in
            defer { state.incoming.removeAll() }
            return state.incoming
        }
        var completions = loop.takeCompletions()
        for job in leftover {
            completions.append(CurlCompletion(
                job: job, result: .failure(HTTPTransportError(.cancelled, "the HTTP transport was shut down")),
                connectionsOpened: 0))
        }
        deliver(completions)
        lock.withLock {
            state.threadExited = true
            state.thread = nil
            lock.broadcast()
        }
    }

    /// Unregisters finished requests (so ``statistics`` never counts a delivered one), then
    /// resumes their continuations outside the lock.
    private func deliver(_ completions: [CurlCompletion]) {
        guard !completions.isEmpty else { return }
        lock.withLock {
            for completion in completions {
                state.registrations[completion.job.id] = nil
                state.connectionsOpened += completion.connectionsOpened
                switch completion.result {
                case .success: state.responses += 1
                case .failure: state.failures += 1
                }
            }
        }
        for completion in completions {
            switch completion.result {
            case .success(let response): completion.job.continuation.resume(returning: response)
            case .failure(let error): completion.job.continuation.resume(throwing: error)
            }
        }
    }
}
