/// A client's own alerts (`clients[].alerts`): where its incidents are sent besides the operator's
/// destinations, and which of the operator's rules (`alerts.min_confidence`, `incident_types`,
/// `cooldown_seconds`) it replaces. A setting it leaves out follows the operator's.
package struct ClientAlertsConfiguration: Sendable, Equatable {
    /// The client's webhooks, called for its incidents only, in addition to the operator's.
    package var webhooks: [WebhookConfiguration]
    /// Addresses e-mailed for the client's incidents (sent through `alerts.smtp`, which must be set
    /// when this is not empty).
    package var emailTo: [String]
    /// Replaces `alerts.min_confidence` for the client; 0 to 1.
    package var minConfidence: Double?
    /// Replaces `alerts.incident_types` for the client; lowercase, never `none`.
    package var incidentTypes: Set<String>?
    /// Replaces `alerts.cooldown_seconds` for the client; 0 to 86,400.
    package var cooldownSeconds: Int?

    package init(
        webhooks: [WebhookConfiguration] = [], emailTo: [String] = [], minConfidence: Double? = nil, incidentTypes: Set<String>? = nil,
        cooldownSeconds: Int? = nil
    ) {
        self.webhooks = webhooks
        self.emailTo = emailTo
        self.minConfidence = minConfidence
        self.incidentTypes = incidentTypes
        self.cooldownSeconds = cooldownSeconds
    }

    static let keys = ["webhooks", "email_to", "min_confidence", "incident_types", "cooldown_seconds"]

    static func read(_ object: ConfigurationObject?) -> ClientAlertsConfiguration? {
        guard let object else { return nil }
        return ClientAlertsConfiguration(
            webhooks: WebhookConfiguration.readList(object, "webhooks"), emailTo: object.emailAddresses("email_to") ?? [],
            minConfidence: AlertRules.readMinConfidence(object), incidentTypes: AlertRules.readIncidentTypes(object),
            cooldownSeconds: AlertRules.readCooldownSeconds(object))
    }
}
