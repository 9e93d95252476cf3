import Foundation
import VigilCore

/// Sends HTTP POSTs through libcurl on a fixed number of threads of its own.
///
/// The number of threads is the concurrency bound (`gemini.max_concurrent_requests`): each owns
/// one reused easy handle and so one kept-alive connection. Requests beyond the bound wait in
/// arrival order. No libcurl call ever runs on Swift's cooperative pool.
final class HTTPTransport: Sendable {
    private struct Job: Sendable {
        var url: String
        var headers: [String]
        var body: [UInt8]
        var connectTimeout: Double
        var totalTimeout: Double
        var completion: @Sendable (Result<HTTPResponse, TransportError>) -> Void
    }

    private final class Queue: @unchecked Sendable {
        let condition = NSCondition()
        var jobs: [Job] = []
        var stopping = false
        var busy = 0
    }

    private let queue = Queue()
    /// How many requests may be in flight at once.
    let concurrency: Int

    init(concurrency: Int) {
        self.concurrency = max(1, concurrency)
        for index in 0..<self.concurrency {
            let queue = self.queue
            let thread = Thread {
                ThreadName.setCurrent("vigil-http-\(index)")
                Self.work(queue)
            }
            thread.start()
        }
    }

    deinit {
        queue.condition.lock()
        queue.stopping = true
        queue.condition.broadcast()
        queue.condition.unlock()
    }

    /// Requests currently being sent or waiting for a thread.
    var inFlight: Int {
        queue.condition.lock()
        defer { queue.condition.unlock() }
        return queue.busy + queue.jobs.count
    }

    /// POSTs `body` and returns the response (any status), or why none came.
    func post(url: String, headers: [String], body: [UInt8], connectTimeout: Double, totalTimeout: Double) async
        -> Result<HTTPResponse, TransportError> {
        await withCheckedContinuation { continuation in
            let job = Job(url: url, headers: headers, body: body, connectTimeout: connectTimeout, totalTimeout: totalTimeout) {
                continuation.resume(returning: $0)
            }
            queue.condition.lock()
            queue.jobs.append(job)
            queue.condition.signal()
            queue.condition.unlock()
        }
    }

    private static func work(_ queue: Queue) {
        guard let easy = CurlEasy() else { return }
        while true {
            queue.condition.lock()
            while queue.jobs.isEmpty && !queue.stopping { queue.condition.wait() }
            if queue.stopping && queue.jobs.isEmpty {
                queue.condition.unlock()
                return
            }
            let job = queue.jobs.removeFirst()
            queue.busy += 1
            queue.condition.unlock()
            let result = easy.post(url: job.url, headers: job.headers, body: job.body,
                                   connectTimeout: job.connectTimeout, totalTimeout: job.totalTimeout)
            queue.condition.lock()
            queue.busy -= 1
            queue.condition.unlock()
            job.completion(result)
        }
    }
}
