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

    init(multi: UnsafeMutableRawPointer, maxConcurrentTransfers: Int) {
        self.multi = multi
        self.maxConcurrentTransfers = maxConcurrentTransfers
    }

    // MARK: - Work in

    func accept(_ jobs: [CurlJob]) {
        for job in jobs { waiting.append(job) }
    }

    /// Aborts the named jobs wherever they are: a running transfer is removed from the multi
    /// handle (curl closes its half-used connection), a queued job is dropped.
    func cancel(_ ids: [UInt64]) {
        let cancelled = HTTPTransportError(.cancelled, "the request was cancelled")
        for id in ids {
            if let transfer = active.removeValue(forKey: id) {
                curl_multi_remove_handle(multi, transfer.easy)
                finish(transfer, .failure(cancelled))
            } else if let job = waiting.remove(id: id) {
                completions.append(CurlCompletion(job: job, result: .failure(cancelled), connectionsOpened: 0))
            }
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
    /// timeout went by while it waited fails with `.timeout` without being sent.
    private func admit() {
        while active.count < maxConcurrentTransfers, let job = waiting.popFirst() {
            let remaining = job.request.timeout - (ContinuousClock.now - job.accepted)
            guard remaining > .zero else {
                let message = "no transfer slot became free within the timeout of \(job.request.timeout.milliseconds) ms"
                completions.append(CurlCompletion(job: job, result: .failure(HTTPTransportError(.timeout, message)), connectionsOpened: 0))
                continue
            }
            guard let easy = idleHandles.popLast() ?? curl_easy_init() else {
                completions.append(CurlCompletion(
                    job: job, result: .failure(HTTPTransportError(.other, "curl_easy_init failed")), connectionsOpened: 0))
                continue
            }
            let transfer = CurlTransfer(job: job, easy: easy)
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
        let connections = transfer.connectionsOpened
        completions.append(CurlCompletion(job: transfer.job, result: result, connectionsOpened: connections))
        transfer.release()
        if idleHandles.count < maxConcurrentTransfers {
            idleHandles.append(transfer.easy)
        } else {
            curl_easy_cleanup(transfer.easy)
        }
    }

    func takeCompletions() -> [CurlCompletion] {
        defer { completions.removeAll(keepingCapacity: true) }
        return completions
    }

    /// Fails everything running or queued with `error` and frees every easy handle.
    func close(failingWith error: HTTPTransportError) {
        for transfer in active.values {
            curl_multi_remove_handle(multi, transfer.easy)
            finish(transfer, .failure(error))
        }
        active.removeAll()
        while let job = waiting.popFirst() {
            completions.append(CurlCompletion(job: job, result: .failure(error), connectionsOpened: 0))
        }
        for easy in idleHandles { curl_easy_cleanup(easy) }
        idleHandles.removeAll()
    }
}
