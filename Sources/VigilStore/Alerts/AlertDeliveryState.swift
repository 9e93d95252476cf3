package import Foundation

/// Where one alert stands on one channel: a row of `alert_deliveries`, or its copy in the spool.
package struct AlertDeliveryState: Sendable, Equatable {
    /// `operator.webhook.NAME`, `client.ID.email`, ... (see ``AlertChannel``'s `id`).
    package var channel: String
    package var attempts: Int
    /// When the next attempt is due (pending deliveries only).
    package var nextAttemptAt: Date
    package var lastAttemptAt: Date?
    /// The receiver's last HTTP status or SMTP reply code.
    package var lastStatus: Int?
    /// Why the last attempt failed, redacted and escaped.
    package var lastError: String?
    package var deliveredAt: Date?
    /// When it was given up (a permanent failure, or retries exhausted).
    package var failedAt: Date?

    package init(
        channel: String, attempts: Int = 0, nextAttemptAt: Date, lastAttemptAt: Date? = nil, lastStatus: Int? = nil,
        lastError: String? = nil, deliveredAt: Date? = nil, failedAt: Date? = nil
    ) {
        self.channel = channel
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastAttemptAt = lastAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.failedAt = failedAt
    }

    /// Neither delivered nor given up.
    package var isPending: Bool { deliveredAt == nil && failedAt == nil }
}
