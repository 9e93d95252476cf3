/// Alerts (`alerts`, optional: every setting has a default): which verdicts alert, where alerts
/// go (webhooks, e-mail), how undelivered ones are retried, and where their evidence is kept.
///
/// A client's own destinations and rule overrides are in ``ClientConfiguration/alerts``;
/// ``VigilConfiguration/alertRules(for:)`` gives the rules that apply to a client.
package struct AlertsConfiguration: Sendable, Equatable {
    /// Where the picture and verdict of each alert are kept, an absolute path. Default `/var/lib/vigil/evidence`.
    package var evidenceDirectory: String
    /// Days evidence is kept. Default 30; 1 to 3,650.
    package var evidenceRetentionDays: Int
    /// The operator's rules (keys `min_confidence`, `incident_types`, `cooldown_seconds` of `alerts`).
    package var rules: AlertRules
    /// Seconds without a frame after which a camera is alerted as offline. Default 120; 10 to 86,400.
    package var cameraOfflineAfterSeconds: Int
    /// The operator's webhooks, called for every client's incidents.
    package var webhooks: [WebhookConfiguration]
    /// The mail server; required when any `email_to` (the operator's or a client's) is not empty.
    package var smtp: SMTPConfiguration?
    /// Addresses e-mailed for every client's incidents.
    package var emailTo: [String]
    /// How undelivered alerts are retried.
    package var retry: AlertRetryConfiguration

    package static let defaultEvidenceDirectory = "/var/lib/vigil/evidence"

    package init(
        evidenceDirectory: String = defaultEvidenceDirectory, evidenceRetentionDays: Int = 30, rules: AlertRules = AlertRules(),
        cameraOfflineAfterSeconds: Int = 120, webhooks: [WebhookConfiguration] = [], smtp: SMTPConfiguration? = nil,
        emailTo: [String] = [], retry: AlertRetryConfiguration = AlertRetryConfiguration()
    ) {
        self.evidenceDirectory = evidenceDirectory
        self.evidenceRetentionDays = evidenceRetentionDays
        self.rules = rules
        self.cameraOfflineAfterSeconds = cameraOfflineAfterSeconds
        self.webhooks = webhooks
        self.smtp = smtp
        self.emailTo = emailTo
        self.retry = retry
    }

    /// Every secret of the operator's destinations: webhook secrets and the SMTP password.
    var secrets: [String] {
        webhooks.map(\.secret) + (smtp?.password.map { [$0] } ?? [])
    }

    static let keys = [
        "evidence_directory", "evidence_retention_days", "min_confidence", "incident_types", "cooldown_seconds",
        "camera_offline_after_seconds", "webhooks", "smtp", "email_to", "retry",
    ]

    static func read(_ object: ConfigurationObject?) -> AlertsConfiguration {
        var result = AlertsConfiguration()
        guard let object else { return result }
        if let directory = object.string("evidence_directory") {
            if directory.hasPrefix("/") {
                result.evidenceDirectory = directory
            } else {
                object.reader.report(
                    object.path("evidence_directory"), line: object.line("evidence_directory"), "must be an absolute path",
                    hint: "write it from the root, such as \(defaultEvidenceDirectory)")
            }
        }
        if let days = object.integer("evidence_retention_days", in: 1...3650) { result.evidenceRetentionDays = days }
        if let value = AlertRules.readMinConfidence(object) { result.rules.minConfidence = value }
        if let types = AlertRules.readIncidentTypes(object) { result.rules.incidentTypes = types }
        if let value = AlertRules.readCooldownSeconds(object) { result.rules.cooldownSeconds = value }
        if let seconds = object.integer("camera_offline_after_seconds", in: 10...86_400) { result.cameraOfflineAfterSeconds = seconds }
        result.webhooks = WebhookConfiguration.readList(object, "webhooks")
        result.smtp = SMTPConfiguration.read(object.object("smtp", keys: SMTPConfiguration.keys))
        result.emailTo = object.emailAddresses("email_to") ?? []
        result.retry = AlertRetryConfiguration.read(object.object("retry", keys: AlertRetryConfiguration.keys))
        if !result.emailTo.isEmpty, !object.has("smtp") {
            reportEmailWithoutSMTP(at: object.path("email_to"), line: object.line("email_to"), reader: object.reader)
        }
        return result
    }

    /// Reports that the `email_to` at `path` has no mail server to send through.
    static func reportEmailWithoutSMTP(at path: String, line: Int, reader: ConfigurationReader) {
        reader.report(
            path, line: line, "lists addresses, but e-mail needs alerts.smtp, which is not set",
            hint: "add \"smtp\": {\"url\": \"smtp://HOST:587\", \"from\": \"vigil@example.com\"} to alerts, or remove email_to")
    }
}
