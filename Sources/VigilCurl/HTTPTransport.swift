import Foundation
import VigilCore

/// Sends HTTP POSTs through libcurl on a fixed number of threads of its own.
///
/// The number of threads is the concurrency bound (for Gemini, `gemini.max_concurrent_requests`): each owns
/// one reused easy handle and so one kept-alive connection. Requests beyond the bound wait in
/// arrival order. No libcurl call ever runs on Swift's cooperative pool.
package final class HTTPTransport: Sendable {
    /// The easy handles, one per thread of ``workers`` and used by that thread only (nil when
    /// libcurl could not make one: requests on that thread then fail as transport errors).
    private final class Handles: @unchecked Sendable {
        let easy: [CurlEasy?]
        init(count: Int) { easy = (0..<count).map { _ in CurlEasy() } }
    }

    private let workers: WorkerPool
    private let handles: Handles

    package init(concurrency: Int, name: String = "vigil-http") {
        workers = WorkerPool(name: name, threads: concurrency)
        handles = Handles(count: workers.threads)
    }

    deinit {
        workers.shutdown()
    }

    /// How many requests may be in flight at once.
    package var concurrency: Int { workers.threads }

    /// Requests currently being sent or waiting for a thread.
    package var inFlight: Int { workers.busy }

    /// POSTs `body` and returns the response (any status), or why none came. At most one request
    /// goes on the wire (libcurl's own re-sends are stopped, see ``CurlEasy``), and a body longer
    /// than `maxResponseBytes` fails as ``TransportError/Kind/responseTooLarge``.
    package func post(url: String, headers: [String], body: [UInt8], connectTimeout: Double, totalTimeout: Double, maxResponseBytes: Int)
        async
        -> Result<HTTPResponse, TransportError>
    {
        let handles = self.handles
        do {
            return try await workers.run { thread in
                guard let easy = handles.easy[thread] else {
                    return .failure(TransportError(kind: .connect, message: "libcurl could not make a handle", requestSent: false))
                }
                return easy.post(
                    url: url, headers: headers, body: body, connectTimeout: connectTimeout, totalTimeout: totalTimeout,
                    maxResponseBytes: maxResponseBytes)
            }
        } catch {
            return .failure(TransportError(kind: .connect, message: "the HTTP threads have stopped", requestSent: false))
        }
    }
}
