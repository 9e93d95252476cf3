import CCurl
import Foundation
import VigilCore

/// Sends e-mail through an SMTP server with libcurl, on threads of its own.
///
/// Each message is one SMTP session on a fresh connection (``CurlMail``): connect, `EHLO`,
/// `STARTTLS` when the server offers it (always required with `requireTLS` or an `smtps://` URL),
/// `AUTH` when a username is given, `MAIL FROM`, one `RCPT TO` per recipient, `DATA`, `QUIT`. The
/// message is accepted for every recipient or not sent at all: a refused recipient fails the whole
/// message. No libcurl call runs on Swift's cooperative pool; sends beyond ``concurrency`` wait in
/// arrival order.
package final class MailTransport: Sendable {
    private let workers: WorkerPool

    /// Starts `threads` threads named `vigil-smtp` (`vigil-smtp-N` with more than one). Default 1.
    package init(threads: Int = 1) {
        workers = WorkerPool(name: "vigil-smtp", threads: threads)
    }

    deinit {
        workers.shutdown()
    }

    /// How many messages may be sent at once.
    package var concurrency: Int { workers.threads }

    /// Sends `message` (a whole RFC 5322 message with CRLF line endings, as ``MailMessage`` in
    /// VigilAlerts builds it) to `recipients` with the envelope sender `from`.
    ///
    /// - Parameters:
    ///   - url: the server as configured: `smtp://host:587` or `smtps://host:465`, no credentials.
    ///   - username, password: for SMTP AUTH (nil username: no AUTH). The password is given to
    ///     libcurl as an option, never put into the URL, and never appears in a ``MailError``.
    ///   - requireTLS: only send over TLS: with an `smtp://` URL the server must offer STARTTLS, or
    ///     nothing is sent (not even the login). Without it, STARTTLS is still used whenever the
    ///     server offers it, but a server that does not offer it gets the message, and the login
    ///     (AUTH PLAIN or LOGIN: the password readable on the wire), in the clear.
    ///   - from: the envelope sender (`MAIL FROM`), a bare address.
    ///   - recipients: the envelope recipients (`RCPT TO`), bare addresses; at least one.
    ///   - connectTimeout, totalTimeout: seconds, for the connection and for the whole session.
    /// - Returns: success once the server accepted the message (`250` after `DATA`), or why not.
    package func send(
        url: String, username: String?, password: String?, requireTLS: Bool, from: String, recipients: [String],
        message: [UInt8], connectTimeout: Double, totalTimeout: Double
    ) async -> Result<Void, MailError> {
        if let problem = Self.addressProblem(from: from, recipients: recipients) { return .failure(problem) }
        do {
            return try await workers.run { _ in
                guard let mail = CurlMail() else {
                    return .failure(MailError(permanent: false, code: nil, message: "libcurl could not make a handle"))
                }
                return mail.send(
                    url: url, username: username, password: password, requireTLS: requireTLS, from: from,
                    recipients: recipients, message: message, connectTimeout: connectTimeout, totalTimeout: totalTimeout)
            }
        } catch {
            return .failure(MailError(permanent: false, code: nil, message: "the SMTP threads have stopped"))
        }
    }

    /// Why these envelope addresses cannot be sent to, or nil. An address holding a control
    /// character, a space or angle brackets could add SMTP commands or parameters to the session.
    static func addressProblem(from: String, recipients: [String]) -> MailError? {
        guard !recipients.isEmpty else {
            return MailError(permanent: true, code: nil, message: "the message has no recipients")
        }
        for address in [from] + recipients {
            let unsafe = address.unicodeScalars.contains {
                $0.value < 0x21 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) || $0 == "<" || $0 == ">"
            }
            if address.isEmpty || unsafe {
                return MailError(
                    permanent: true, code: nil,
                    message: "the address \(address.quotedAndEscaped()) is not a bare e-mail address")
            }
        }
        return nil
    }
}

/// Why a message was not accepted by the SMTP server, safe to log: libcurl's text, which names
/// the server and the SMTP reply code but never the password.
package struct MailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether sending the same message again cannot work until someone changes the configuration
    /// or the server: the server answered with a 5xx reply (a refused recipient or sender: `550`,
    /// `553`; a refused login: `535`; a refused message: `554`), the login was refused, TLS was
    /// required but the server does not offer it, or the URL is not an SMTP URL. Everything else
    /// (a 4xx reply, a refused or broken connection, a timeout, a failed TLS handshake) may work
    /// later.
    package var permanent: Bool
    /// The SMTP reply code that failed the session (`535`, `550`, `421`, ...), when the server sent
    /// one (400 or above).
    package var code: Int?
    /// libcurl's description, with the reply code when libcurl left it out (`RCPT failed: 550`,
    /// `Login denied (SMTP 535)`, `STARTTLS not supported.`, `Failed to connect to 127.0.0.1 port 25
    /// after 0 ms: Couldn't connect to server`). Any occurrence of the password is masked.
    package var message: String

    package var description: String { message }

    package init(permanent: Bool, code: Int?, message: String) {
        self.permanent = permanent
        self.code = code
        self.message = message
    }

    /// The error for a session that ended with libcurl's `curlCode` after the server's last reply
    /// `reply` (0: none), with `message` stripped of `password`.
    ///
    /// libcurl 7.88 fails a refused `RCPT TO` or `MAIL FROM` with `CURLE_SEND_ERROR`, a refused
    /// `AUTH` with `CURLE_LOGIN_DENIED`, a refused message after `DATA` with
    /// `CURLE_WEIRD_SERVER_REPLY`, each leaving the reply as the response code; only the reply
    /// tells a permanent refusal (5xx) from a temporary one (4xx), so it decides first.
    static func classifying(curlCode: Int, reply: Int, message: String, password: String?) -> MailError {
        let permanent: Bool
        switch UInt32(truncatingIfNeeded: curlCode) {
        case _ where (500..<600).contains(reply): permanent = true
        case _ where (400..<500).contains(reply): permanent = false
        case CURLE_LOGIN_DENIED.rawValue: permanent = true
        case CURLE_USE_SSL_FAILED.rawValue: permanent = true
        case CURLE_URL_MALFORMAT.rawValue, CURLE_UNSUPPORTED_PROTOCOL.rawValue: permanent = true
        default: permanent = false
        }
        let code = reply >= 400 ? reply : nil
        var text = message
        // libcurl says `Login denied` for a refused AUTH, without the server's reply.
        if let code, !text.contains(String(code)) { text += " (SMTP \(code))" }
        if let password, !password.isEmpty { text = SecretRedactor(secrets: [password]).redact(text) }
        return MailError(permanent: permanent, code: code, message: text)
    }
}
