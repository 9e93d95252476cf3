package import VigilCore
package import VigilCurl

/// The configured channels, by id, and which of them each client's alerts go to.
///
/// Every alert goes to the operator's channels (`alerts.webhooks[]`, and `alerts.email_to[]` as one
/// e-mail channel); a client's alerts also go to the client's own (`clients[].alerts.webhooks[]`,
/// `clients[].alerts.email_to[]`). E-mail channels exist only when `alerts.smtp` is set (the
/// configuration refuses recipients without it).
package struct AlertChannels: Sendable {
    private var byID: [String: any AlertChannel] = [:]
    private var operatorChannels: [String] = []
    private var clientChannels: [String: [String]] = [:]

    package init(configuration: VigilConfiguration, http: HTTPTransport, mail: MailTransport) {
        let alerts = configuration.alerts
        for webhook in alerts.webhooks {
            add(Self.webhook(webhook, id: "operator.webhook.\(webhook.name)", http: http), operator: true, client: nil)
        }
        if let smtp = alerts.smtp, !alerts.emailTo.isEmpty {
            add(Self.email(smtp, recipients: alerts.emailTo, id: "operator.email", mail: mail), operator: true, client: nil)
        }
        for client in configuration.clients {
            guard let own = client.alerts else { continue }
            for webhook in own.webhooks {
                add(
                    Self.webhook(webhook, id: "client.\(client.id).webhook.\(webhook.name)", http: http), operator: false, client: client.id
                )
            }
            if let smtp = alerts.smtp, !own.emailTo.isEmpty {
                add(
                    Self.email(smtp, recipients: own.emailTo, id: "client.\(client.id).email", mail: mail), operator: false,
                    client: client.id)
            }
        }
    }

    /// The channels an alert of `clientID` goes to: the operator's, then the client's.
    package func channels(for clientID: String?) -> [any AlertChannel] {
        let ids = operatorChannels + (clientID.flatMap { clientChannels[$0] } ?? [])
        return ids.compactMap { byID[$0] }
    }

    /// The channel with this id, if it is still configured.
    package func channel(_ id: String) -> (any AlertChannel)? { byID[id] }

    /// Whether any channel is configured.
    package var isEmpty: Bool { byID.isEmpty }

    private mutating func add(_ channel: any AlertChannel, operator isOperator: Bool, client: String?) {
        byID[channel.id] = channel
        if isOperator {
            operatorChannels.append(channel.id)
        } else if let client {
            clientChannels[client, default: []].append(channel.id)
        }
    }

    private static func webhook(_ webhook: WebhookConfiguration, id: String, http: HTTPTransport) -> WebhookChannel {
        WebhookChannel(
            id: id, name: webhook.name, url: webhook.url, redactedURL: webhook.redactedURL, secret: webhook.secret, transport: http)
    }

    private static func email(_ smtp: SMTPConfiguration, recipients: [String], id: String, mail: MailTransport) -> EmailChannel {
        EmailChannel(
            id: id, recipients: recipients, url: smtp.url, username: smtp.username, password: smtp.password, requireTLS: smtp.requireTLS,
            from: smtp.from, redactedURL: smtp.redactedURL, transport: mail)
    }
}
