import CCurl
import Foundation

// MARK: - CurlLoop

/// The curl thread's state: the multi handle's transfers, the queue of jobs waiting for a
/// free slot, the pool of idle easy handles, and completions not yet delivered.
///
/// Confined to the curl thread (created and used only inside ``CurlEngine``'s thread body),
/// so it needs no lock and is deliberately not `Sendable`.
final class CurlLoop {
    private let multi: UnsafeMutableRawPointer
    private let maxConcurrentTransfers: Int
    private var waiting = CurlJobQueue()
    private var active: [UInt64: CurlTransfer] = [:]
    /// Idle easy handles, reset and ready; at most `maxConcurrentTransfers` are kept.
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private var completions: [CurlCompletion] = []
    /// Batches accepted and not yet finished, by batch id (for cancellation).
    private var batches: [UInt64: CurlBatch] = [:]
    private var finishedBatches: [CurlBatch] = []
    /// Ids of batch requests' jobs: their own range, apart from the engine's.
    private var nextBatchJobID: UInt64 = 1 << 63

    /// The configured proxy, or nil (the environment's proxies are never used).
    let proxy: String?

    init(multi: UnsafeMutableRawPointer, maxConcurrentTransfers: Int, proxy: String? = nil) {
        self.multi = multi
        self.maxConcurrentTransfers = maxConcurrentTransfers
        self.proxy = proxy
    }

    // MARK: - Work in

    func accept(_ jobs: [CurlJob]) {
        for job in jobs { waiting.append(job) }
    }

    /// Queues the batch's first `concurrency` requests; each one that ends queues the next.
    func accept(_ batch: CurlBatch) {
        batches[batch.id] = batch
        startNext(of: batch, count: batch.concurrency)
    }

    private func startNext(of batch: CurlBatch, count: Int) {
        guard !batch.cancelled else { return }
        let now = ContinuousClock.now
        var started = 0
        while started < count, batch.next < batch.requests.count {
            nextBatchJobID &+= 1
            waiting.append(CurlJob(id: nextBatchJobID, request: batch.requests[batch.next], accepted: now,
                                   sink: .batch(batch, index: batch.next)))
            batch.next += 1
            started += 1
        }
    }

    /// Aborts the named jobs wherever they are: a running transfer is removed from the multi
    /// handle (curl closes its half-used connection), a queued job is dropped.
    func cancel(_ ids: [UInt64]) {
        let cancelled = HTTPTransportError(.cancelled, "the request was cancelled")
        for id in ids {
            if let batch = batches[id] {
                stop(batch, failingWith: cancelled)
            } else if let transfer = active.removeValue(forKey: id) {
                curl_multi_remove_handle(multi, transfer.easy)
                finish(transfer, .failure(cancelled))
            } else if let job = waiting.remove(id: id) {
                end(job, .failure(cancelled), connectionsOpened: 0)
            }
        }
    }

    /// Ends every request of `batch` that has not ended: running, queued or not yet started.
    private func stop(_ batch: CurlBatch, failingWith error: HTTPTransportError) {
        batch.cancelled = true
        for (id, transfer) in active {
            guard case .batch(let owner, _) = transfer.job.sink, owner === batch else { continue }
            active[id] = nil
            curl_multi_remove_handle(multi, transfer.easy)
            finish(transfer, .failure(error))
        }
        for job in waiting.remove(where: { if case .batch(let owner, _) = $0.sink { owner === batch } else { false } }) {
            end(job, .failure(error), connectionsOpened: 0)
        }
        while batch.next < batch.requests.count {
            let index = batch.next
            batch.next += 1
            batch.requests[index].onEnd?()
            record(batch, index, HTTPExchange(result: .failure(error), elapsed: .zero), connectionsOpened: 0)
        }
    }

    // MARK: - Driving curl

    /// Starts what fits, lets curl do all the work it can without waiting, collects finished
    /// transfers, and repeats while finishing freed slots that queued jobs can use.
    func step() {
        while true {
            admit()
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            let finished = collectFinished()
            if finished == 0 || waiting.isEmpty || active.count >= maxConcurrentTransfers { return }
        }
    }

    /// Sleeps until a socket is ready, curl's next timer is due, a wakeup, or the timeout.
    func poll(timeoutMilliseconds: Int32) {
        _ = curl_multi_poll(multi, nil, 0, timeoutMilliseconds, nil)
    }

    /// Moves queued jobs into the multi handle while there are free slots. A job whose whole
    /// timeout went by while it waited fails with `.timeout` without being sent; one past its
    /// start-by time or deadline fails with `.notSent`; otherwise its timeout is cut to its deadline.
    private func admit() {
        while active.count < maxConcurrentTransfers, let job = waiting.popFirst() {
            let now = ContinuousClock.now
            guard let remaining = job.request.timeLeft(at: now, acceptedAt: job.accepted) else {
                end(job, .failure(HTTPRequest.notSent), connectionsOpened: 0)
                continue
            }
            guard remaining > .zero else {
                let message = "no transfer slot became free within the timeout of \(job.request.timeout.milliseconds) ms"
                end(job, .failure(HTTPTransportError(.timeout, message)), connectionsOpened: 0)
                continue
            }
            guard let easy = idleHandles.popLast() ?? curl_easy_init() else {
                end(job, .failure(HTTPTransportError(.other, "curl_easy_init failed")), connectionsOpened: 0)
                continue
            }
            let transfer = CurlTransfer(job: job, easy: easy, proxy: proxy)
            if let error = transfer.configure(remaining: remaining) {
                finish(transfer, .failure(error))
                continue
            }
            let code = curl_multi_add_handle(multi, easy)
            guard code == CURLM_OK else {
                let message = String(cString: curl_multi_strerror(code))
                finish(transfer, .failure(HTTPTransportError(.other, "curl_multi_add_handle: \(message)")))
                continue
            }
            active[job.id] = transfer
        }
    }

    /// Reads curl's "done" messages; returns how many transfers ended.
    private func collectFinished() -> Int {
        var count = 0
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            var context: UnsafeMutableRawPointer?
            _ = squawk_easy_getinfo_ptr(easy, CURLINFO_PRIVATE, &context)
            guard let context else { continue }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            curl_multi_remove_handle(multi, easy)
            active[transfer.job.id] = nil
            finish(transfer, transfer.outcome(code))
            count += 1
        }
        return count
    }

    // MARK: - Work out

    /// Records the outcome and returns the easy handle to the pool (reset, so no option or
    /// pointer of this transfer survives).
    private func finish(_ transfer: CurlTransfer, _ result: Result<HTTPResponse, HTTPTransportError>) {
        end(transfer.job, result, connectionsOpened: transfer.connectionsOpened)
        transfer.release()
        if idleHandles.count < maxConcurrentTransfers {
            idleHandles.append(transfer.easy)
        } else {
            curl_easy_cleanup(transfer.easy)
        }
    }

    /// Where every job's outcome goes: to its caller (through ``takeCompletions()``), or into
    /// its batch, whose next request then takes its place.
    private func end(_ job: CurlJob, _ result: Result<HTTPResponse, HTTPTransportError>, connectionsOpened: Int) {
        job.request.onEnd?()
        switch job.sink {
        case .caller:
            completions.append(CurlCompletion(job: job, result: result, connectionsOpened: connectionsOpened))
        case .batch(let batch, let index):
            record(batch, index, HTTPExchange(result: result, elapsed: ContinuousClock.now - job.accepted), connectionsOpened: connectionsOpened)
            startNext(of: batch, count: 1)
        }
    }

    private func record(_ batch: CurlBatch, _ index: Int, _ exchange: HTTPExchange, connectionsOpened: Int) {
        if batch.record(index, exchange, connectionsOpened: connectionsOpened) {
            batches[batch.id] = nil
            finishedBatches.append(batch)
        }
    }

    func takeCompletions() -> [CurlCompletion] {
        defer { completions.removeAll(keepingCapacity: true) }
        return completions
    }

    /// Batches whose last request ended since the last call.
    func takeFinishedBatches() -> [CurlBatch] {
        defer { finishedBatches.removeAll(keepingCapacity: true) }
        return finishedBatches
    }

    /// Fails everything running or queued with `error` and frees every easy handle.
    func close(failingWith error: HTTPTransportError) {
        for batch in Array(batches.values) { stop(batch, failingWith: error) }
        for transfer in active.values {
            curl_multi_remove_handle(multi, transfer.easy)
            finish(transfer, .failure(error))
        }
        active.removeAll()
        while let job = waiting.popFirst() { end(job, .failure(error), connectionsOpened: 0) }
        for easy in idleHandles { curl_easy_cleanup(easy) }
        idleHandles.removeAll()
    }
}
