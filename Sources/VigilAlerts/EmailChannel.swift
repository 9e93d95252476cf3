package import Foundation
package import VigilCore
package import VigilCurl

/// The e-mail of one set of recipients: one message per attempt through an SMTP server, over
/// libcurl.
///
/// The message (``MailMessage``) carries the alert's text and HTML (``AlertMailContent``) and its
/// evidence JPEG as an attachment, and has the alert's id as its `Message-ID`, so a repeat after a
/// lost answer is recognisable. The server accepting it for every recipient is delivered (`250`);
/// a 5xx reply (a refused recipient, sender, login or message), a refused login and TLS required
/// from a server that does not offer it are permanent failures; anything else (a 4xx reply, a
/// refused or broken connection, a timeout) is retried. Neither ``label`` nor a reason shows the
/// password or more of the server than its redacted URL and libcurl's message.
package struct EmailChannel: AlertChannel {
    package var id: String
    package var type: String { "email" }
    /// `e-mail to 2 recipients via smtp://mail.example.com:587`.
    package var label: String {
        "e-mail to \(recipients.count) recipient\(recipients.count == 1 ? "" : "s") via \(redactedURL)"
    }

    private var recipients: [String]
    private var url: String
    private var username: String?
    private var password: String?
    private var requireTLS: Bool
    private var from: String
    private var redactedURL: String
    private var transport: MailTransport
    private var timeoutSeconds: Double

    /// - Parameters:
    ///   - recipients: bare addresses, every one in the envelope and in `To`.
    ///   - url: `smtp://host:port` or `smtps://host:port`, without credentials.
    ///   - username, password: for SMTP AUTH; nil username: none.
    ///   - requireTLS: send only over TLS (STARTTLS must be offered by an `smtp://` server).
    ///   - from: the sender's bare address (envelope and `From`).
    ///   - redactedURL: the URL as shown to people (``label``).
    ///   - timeoutSeconds: the whole SMTP session's limit; connecting gets at most 10 s of it.
    ///     Default 30.
    package init(
        id: String, recipients: [String], url: String, username: String?, password: String?, requireTLS: Bool, from: String,
        redactedURL: String, transport: MailTransport, timeoutSeconds: Double = 30
    ) {
        self.id = id
        self.recipients = recipients
        self.url = url
        self.username = username
        self.password = password
        self.requireTLS = requireTLS
        self.from = from
        self.redactedURL = redactedURL
        self.transport = transport
        self.timeoutSeconds = timeoutSeconds
    }

    /// The message this channel sends for `alert`, written at `date`.
    package func message(_ alert: Alert, evidence: [UInt8]?, context: AlertContext, date: Date = Date()) -> MailMessage {
        let content = AlertMailContent(alert: alert, context: context, hasEvidence: evidence != nil)
        return MailMessage(
            id: alert.id, from: from, recipients: recipients, subject: content.subject, date: date, text: content.text,
            html: content.html, jpeg: evidence)
    }

    package func deliver(_ alert: Alert, evidence: [UInt8]?, context: AlertContext) async -> DeliveryResult {
        let bytes = message(alert, evidence: evidence, context: context).bytes
        let result = await transport.send(
            url: url, username: username, password: password, requireTLS: requireTLS, from: from, recipients: recipients,
            message: bytes, connectTimeout: min(10, timeoutSeconds), totalTimeout: timeoutSeconds)
        return Self.judge(result, password: password)
    }

    /// What the SMTP session's outcome means for the delivery; `password` is masked in the reason.
    package static func judge(_ result: Result<Void, MailError>, password: String?) -> DeliveryResult {
        switch result {
        case .success: return .delivered(status: 250)
        case .failure(let error):
            var reason = error.message
            if let password, !password.isEmpty { reason = reason.replacingAll(password, with: "***") }
            reason = reason.escapingControlCharacters()
            return error.permanent
                ? .failed(reason: reason, status: error.code) : .retry(reason: reason, status: error.code, retryAfter: nil)
        }
    }
}
