package import VigilCore

/// Somewhere an alert is delivered: one webhook, or the e-mail of one set of recipients.
///
/// A channel makes one attempt per ``deliver(_:evidence:context:)`` and says what came of it; the
/// sender keeps the schedule, the outbox and the counts. An implementation must not put a secret
/// (a webhook's signing secret, an SMTP password, a URL's path or query) into ``label`` or into the
/// text of a ``DeliveryResult``: both are logged, stored in `alert_deliveries` and shown by
/// `vigil alerts list`.
package protocol AlertChannel: Sendable {
    /// Stable across restarts and configuration reloads, stored in `alert_deliveries.channel`:
    /// `operator.webhook.NAME`, `client.ID.webhook.NAME`, `operator.email`, `client.ID.email`.
    var id: String { get }
    /// `webhook` or `email`: the `channel` label of `vigil_alerts_total`.
    var type: String { get }
    /// For people: `webhook ops (https://hooks.example.com)`, `e-mail to 2 recipients`.
    var label: String { get }
    /// One attempt to hand `alert` (with its evidence JPEG, when there is one) to the receiver.
    func deliver(_ alert: Alert, evidence: [UInt8]?, context: AlertContext) async -> DeliveryResult
}
