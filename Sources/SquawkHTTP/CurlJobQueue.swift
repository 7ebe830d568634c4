// MARK: - CurlJobQueue

/// First-in-first-out queue of jobs waiting for a transfer slot, with removal by id for
/// cancellation. Amortised O(1) append and pop; removal is O(n) but only happens when a
/// queued request is cancelled.
struct CurlJobQueue {
    /// Slots from `head` on; a removed job leaves `nil` behind.
    private var slots: [CurlJob?] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ job: CurlJob) {
        slots.append(job)
        count += 1
    }

    mutating func popFirst() -> CurlJob? {
        while head < slots.count {
            let job = slots[head]
            slots[head] = nil
            head += 1
            if let job {
                count -= 1
                compactIfWorthIt()
                return job
            }
        }
        compactIfWorthIt()
        return nil
    }

    /// Takes the job with `id` out of the queue, wherever it is.
    mutating func remove(id: UInt64) -> CurlJob? {
        guard let index = slots[head...].firstIndex(where: { $0?.id == id }), let job = slots[index] else { return nil }
        slots[index] = nil
        count -= 1
        return job
    }

    /// Takes every job matching `predicate` out of the queue, in queue order.
    mutating func remove(where predicate: (CurlJob) -> Bool) -> [CurlJob] {
        var removed: [CurlJob] = []
        for index in head..<slots.count {
            guard let job = slots[index], predicate(job) else { continue }
            slots[index] = nil
            count -= 1
            removed.append(job)
        }
        return removed
    }

    /// Drops the consumed prefix once it is most of the storage.
    private mutating func compactIfWorthIt() {
        if head == slots.count {
            slots.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= slots.count {
            slots.removeFirst(head)
            head = 0
        }
    }
}
