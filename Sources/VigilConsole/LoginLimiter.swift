package import Foundation
import Synchronization

/// Failed logins per remote address: after `limit` failures within `window`, further attempts
/// from that address are refused (429) until the oldest failure leaves the window.
package final class LoginLimiter: Sendable {
    private let failures = Mutex<[String: [Date]]>([:])
    private let limit: Int
    private let window: TimeInterval

    /// Default: 5 failures a minute.
    package init(limit: Int = 5, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Whether `address` has used up its failures at `now`.
    package func isBlocked(_ address: String, now: Date = Date()) -> Bool {
        failures.withLock { table in
            let recent = (table[address] ?? []).filter { now.timeIntervalSince($0) < window }
            table[address] = recent.isEmpty ? nil : recent
            return recent.count >= limit
        }
    }

    /// Counts a failed login from `address`.
    package func recordFailure(_ address: String, now: Date = Date()) {
        failures.withLock { table in
            var recent = (table[address] ?? []).filter { now.timeIntervalSince($0) < window }
            recent.append(now)
            table[address] = recent
            if table.count > 10_000 { table = table.filter { $0.value.contains { now.timeIntervalSince($0) < window } } }
        }
    }
}
