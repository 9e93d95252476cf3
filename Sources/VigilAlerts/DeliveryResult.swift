/// What one attempt to deliver an alert to one channel came to.
package enum DeliveryResult: Sendable, Equatable {
    /// The receiver took it (a 2xx; the SMTP server accepted the message for every recipient).
    case delivered(status: Int?)
    /// It may work later: a 5xx, 408 or 429, a timeout, a refused or broken connection.
    /// `retryAfter` is the receiver's own delay in seconds, when it gave a valid one.
    case retry(reason: String, status: Int?, retryAfter: Double?)
    /// It never will: a 4xx other than 408 and 429, a mail server refusing a recipient or the
    /// sender, a channel no longer configured. Logged and counted, not retried.
    case failed(reason: String, status: Int?)

    /// `delivered`, `retry` or `failed`: the `outcome` label of `vigil_alerts_total`.
    package var outcome: String {
        switch self {
        case .delivered: "delivered"
        case .retry: "retry"
        case .failed: "failed"
        }
    }
}
