import Foundation

/// Ends helper processes (servers, clusters) from `deinit` on a thread of its own, so the test that
/// let go of them does not block Swift's cooperative pool (other tests' timing suffered), and holds
/// the test process's exit until every such ending is done (no orphaned server outlives the run).
enum Reaper {
    private static let pending: DispatchGroup = {
        atexit { Reaper.pending.wait() }
        return DispatchGroup()
    }()

    /// Runs `work` on a new thread; the process does not exit before it is done.
    static func run(_ work: @escaping @Sendable () -> Void) {
        let group = pending
        group.enter()
        Thread {
            work()
            group.leave()
        }.start()
    }
}
