package import Foundation

/// What became of one attempt, as the outbox records it.
package struct AlertAttempt: Sendable, Equatable {
    package enum Outcome: Sendable, Equatable {
        case delivered
        /// Not delivered; due again at this time.
        case retry(at: Date)
        /// Given up: a permanent failure, or retries exhausted.
        case failed
    }

    package var outcome: Outcome
    package var at: Date
    package var status: Int?
    /// Redacted, escaped; nil when delivered.
    package var error: String?

    package init(outcome: Outcome, at: Date, status: Int? = nil, error: String? = nil) {
        self.outcome = outcome
        self.at = at
        self.status = status
        self.error = error
    }

    /// `state` after this attempt.
    package func applied(to state: AlertDeliveryState) -> AlertDeliveryState {
        var next = state
        next.attempts += 1
        next.lastAttemptAt = at
        next.lastStatus = status
        next.lastError = error
        switch outcome {
        case .delivered: next.deliveredAt = at
        case .retry(let due): next.nextAttemptAt = due
        case .failed: next.failedAt = at
        }
        return next
    }
}
