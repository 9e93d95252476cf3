import Foundation

/// A flag one task sets and another takes: "there is work". Unlike an `AsyncStream`, a waiter that
/// gives up (a timeout, a cancelled task) does not end it.
package final class Doorbell: @unchecked Sendable {
    private let lock = NSLock()
    private var rung = false

    package init() {}

    package func ring() {
        lock.withLock { rung = true }
    }

    /// Whether it was rung since the last call (and clears it).
    package func take() -> Bool {
        lock.withLock {
            defer { rung = false }
            return rung
        }
    }
}
