import Foundation

/// Named threads of their own for blocking work (libpq, libcurl, FFmpeg, fsync), fed jobs in order
/// from one queue: the one kind of thread Vigil runs C calls on.
///
/// Swift's cooperative pool has one thread per core (two here): a blocking C call there stalls every
/// task. Work submitted here runs on one of this pool's threads, in submission order, one job per
/// thread at a time; a job may run for as long as it likes (a camera's reader runs until its camera
/// stops). A job learns the index of its thread (0 ..< `threads`), so an owner can keep one C handle
/// per thread (a libcurl handle) and use each on its thread only. Async callers are resumed through
/// a continuation when their job is done. The threads end after ``shutdown()`` once queued jobs have
/// run, or when the pool is released.
package final class WorkerPool: Sendable {
    /// The queue shared by the threads and their owner; the threads hold it, not the owner, so the
    /// owner can go away (and shut the threads down in `deinit`) while they still run.
    private final class Queue: @unchecked Sendable {
        let condition = NSCondition()
        var jobs: [@Sendable (Int) -> Void] = []
        var running = 0
        var stopping = false

        func loop(thread index: Int) {
            while true {
                condition.lock()
                while jobs.isEmpty && !stopping { condition.wait() }
                if jobs.isEmpty && stopping {
                    condition.unlock()
                    return
                }
                let job = jobs.removeFirst()
                running += 1
                condition.unlock()
                job(index)
                condition.lock()
                running -= 1
                condition.unlock()
            }
        }

        /// Appends a job unless stopping; returns whether it was queued.
        func enqueue(_ job: @escaping @Sendable (Int) -> Void) -> Bool {
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
    /// How many threads run jobs.
    package let threads: Int

    /// Starts `threads` threads named `name` (one thread) or `name-0`, `name-1`, ... (visible in
    /// `top -H`, `ps -L` and debuggers; the kernel keeps 15 bytes of a name).
    ///
    /// - Parameter stackSize: each thread's stack in bytes. Default 1 MiB.
    package init(name: String, threads: Int = 1, stackSize: Int = 1 << 20) {
        self.threads = max(1, threads)
        for index in 0..<self.threads {
            let queue = self.queue
            let threadName = self.threads == 1 ? name : "\(name)-\(index)"
            let thread = Thread {
                ThreadName.setCurrent(threadName)
                queue.loop(thread: index)
            }
            thread.stackSize = stackSize
            thread.start()
        }
    }

    deinit {
        queue.stop()
    }

    /// Queues a job, given the index of the thread it runs on; it starts after every job submitted
    /// before it has started. Ignored after ``shutdown()``.
    package func submit(_ job: @escaping @Sendable (_ thread: Int) -> Void) {
        _ = queue.enqueue(job)
    }

    /// Runs `body` on one of the pool's threads and returns its result to the awaiting task.
    ///
    /// - Throws: whatever `body` throws, or ``WorkerPoolStopped`` if the pool was shut down first.
    package func run<T: Sendable>(_ body: @escaping @Sendable (_ thread: Int) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let queued = queue.enqueue { thread in
                continuation.resume(with: Result { try body(thread) })
            }
            if !queued { continuation.resume(throwing: WorkerPoolStopped()) }
        }
    }

    /// Jobs running or waiting for a thread.
    package var busy: Int {
        queue.condition.lock()
        defer { queue.condition.unlock() }
        return queue.running + queue.jobs.count
    }

    /// Lets queued jobs finish, then ends the threads. Later submissions are refused.
    package func shutdown() {
        queue.stop()
    }
}

/// The error for work submitted to a ``WorkerPool`` that was shut down.
package struct WorkerPoolStopped: Error, CustomStringConvertible {
    package init() {}
    package var description: String { "the worker thread has stopped" }
}
