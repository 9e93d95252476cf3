import Foundation

/// A thread of its own for blocking work (libpq, libcurl, FFmpeg, fsync), fed jobs in order.
///
/// Swift's cooperative pool has one thread per core (two here): a blocking C call there stalls every
/// task. Work submitted here runs on this thread only, one job at a time, in submission order, and
/// async callers are resumed through a continuation when their job is done. The thread ends after
/// ``shutdown()`` once queued jobs have run.
package final class WorkerThread: Sendable {
    /// The queue shared by the thread and its owner; the thread holds it, not the owner, so the
    /// owner can go away (and shut the thread down in `deinit`) while the thread still runs.
    private final class Queue: @unchecked Sendable {
        let condition = NSCondition()
        var jobs: [@Sendable () -> Void] = []
        var stopping = false

        func loop() {
            while true {
                condition.lock()
                while jobs.isEmpty && !stopping { condition.wait() }
                if jobs.isEmpty && stopping {
                    condition.unlock()
                    return
                }
                let batch = jobs
                jobs.removeAll(keepingCapacity: true)
                condition.unlock()
                for job in batch { job() }
            }
        }

        /// Appends a job unless stopping; returns whether it was queued.
        func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            guard !stopping else { return false }
            jobs.append(job)
            condition.signal()
            return true
        }

        func stop() {
            condition.lock()
            stopping = true
            condition.broadcast()
            condition.unlock()
        }
    }

    private let queue = Queue()

    /// Starts a thread named `name` (visible in `top -H` and debuggers).
    package init(name: String) {
        let queue = self.queue
        let thread = Thread {
            ThreadName.setCurrent(name)
            queue.loop()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    deinit {
        queue.stop()
    }

    /// Queues a job; it runs after every job submitted before it. Ignored after ``shutdown()``.
    package func submit(_ job: @escaping @Sendable () -> Void) {
        _ = queue.enqueue(job)
    }

    /// Runs `body` on this thread and returns its result to the awaiting task.
    ///
    /// - Throws: whatever `body` throws, or ``WorkerThreadStopped`` if the thread was shut down first.
    package func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let queued = queue.enqueue {
                continuation.resume(with: Result { try body() })
            }
            if !queued { continuation.resume(throwing: WorkerThreadStopped()) }
        }
    }

    /// Lets queued jobs finish, then ends the thread. Later submissions are refused.
    package func shutdown() {
        queue.stop()
    }
}

/// The error for work submitted to a ``WorkerThread`` that was shut down.
package struct WorkerThreadStopped: Error, CustomStringConvertible {
    package init() {}
    package var description: String { "the worker thread has stopped" }
}
