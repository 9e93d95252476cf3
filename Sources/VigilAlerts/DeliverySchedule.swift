package import Foundation
package import VigilCore

/// When an alert's next attempt on a channel is due, and when it is given up: a pure value.
///
/// Attempt n (1 for the first retry) waits `min(maxDelay, initialDelay × 2ⁿ⁻¹)` (±10 % jitter),
/// or the receiver's own `Retry-After` when it gave one (never below the backoff's first delay,
/// never above the cap). The last attempt is made `giveUpAfter` seconds after the alert was made
/// (a delay that would go past it is shortened to it); a delivery failing then is given up (marked
/// failed: logged and counted).
package struct DeliverySchedule: Sendable, Equatable {
    package var backoff: ExponentialBackoff
    /// Seconds after the alert's time when retrying stops (at least 24 h in configuration).
    package var giveUpAfter: TimeInterval

    package init(initialDelay: Double, maxDelay: Double, giveUpAfter: TimeInterval) {
        backoff = ExponentialBackoff(initial: initialDelay, cap: maxDelay, jitter: 0.1)
        self.giveUpAfter = giveUpAfter
    }

    /// The next attempt after attempt number `attempts` (1 after the first) failed at `now`; nil
    /// when the delivery is to be given up.
    package func nextAttempt(
        after attempts: Int, failedAt now: Date, alertTime: Date, retryAfter: Double? = nil,
        using generator: inout some RandomNumberGenerator
    ) -> Date? {
        var delay = backoff.delay(attempt: max(attempts - 1, 0), using: &generator)
        if let retryAfter, retryAfter.isFinite, retryAfter > 0 {
            delay = min(max(retryAfter, backoff.initial), backoff.cap)
        }
        // The give-up time counts from when the alert was made, but a clock set back must not
        // make an alert wait forever: count from now when the alert's time is in the future.
        let deadline = min(alertTime, now).addingTimeInterval(giveUpAfter)
        guard now < deadline else { return nil }
        return min(now.addingTimeInterval(delay), deadline)
    }

    package func nextAttempt(after attempts: Int, failedAt now: Date, alertTime: Date, retryAfter: Double? = nil) -> Date? {
        var generator = SystemRandomNumberGenerator()
        return nextAttempt(after: attempts, failedAt: now, alertTime: alertTime, retryAfter: retryAfter, using: &generator)
    }
}
