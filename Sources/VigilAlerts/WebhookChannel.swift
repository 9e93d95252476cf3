import Foundation
package import VigilCore
package import VigilCurl

/// One webhook: a signed JSON POST per attempt, over libcurl.
///
/// A 2xx is delivered; 408, 429, a 5xx, a timeout or a connection that could not be made or broke
/// are retried (429 and 503 after their `Retry-After` when given in seconds); any other status (a
/// 3xx: redirects are not followed; a 4xx) is a permanent failure. The URL's path and query are
/// never shown (they may hold a token): ``label`` and every reason name the scheme and host only.
package struct WebhookChannel: AlertChannel {
    package var id: String
    package var type: String { "webhook" }
    package var label: String { "webhook \(name) (\(redactedURL))" }

    private var name: String
    private var url: String
    private var redactedURL: String
    private var secret: String
    private var transport: HTTPTransport
    private var timeoutSeconds: Double

    /// The most of a receiver's answer read; the rest is abandoned.
    static let maxResponseBytes = 65_536

    package init(
        id: String, name: String, url: String, redactedURL: String, secret: String, transport: HTTPTransport, timeoutSeconds: Double = 30
    ) {
        self.id = id
        self.name = name
        self.url = url
        self.redactedURL = redactedURL
        self.secret = secret
        self.transport = transport
        self.timeoutSeconds = timeoutSeconds
    }

    package func deliver(_ alert: Alert, evidence: [UInt8]?, context: AlertContext) async -> DeliveryResult {
        let body = WebhookPayload.body(alert, context: context, evidence: evidence)
        let headers =
            [
                "Content-Type: application/json", "User-Agent: Vigil-Alerts/1", "X-Vigil-Alert-Id: \(alert.id)",
                "X-Vigil-Alert-Kind: \(alert.kind.rawValue)", "Expect:",
            ] + WebhookSignature.headers(secret: secret, body: body, at: Date())
        let result = await transport.post(
            url: url, headers: headers, body: body, connectTimeout: min(10, timeoutSeconds), totalTimeout: timeoutSeconds,
            maxResponseBytes: Self.maxResponseBytes)
        return Self.judge(result)
    }

    /// What a response (or its absence) means for the delivery.
    package static func judge(_ result: Result<HTTPResponse, TransportError>) -> DeliveryResult {
        switch result {
        case .failure(let error):
            if error.kind == .responseTooLarge, let status = error.statusCode, (200..<300).contains(status) {
                return .delivered(status: status)
            }
            return .retry(reason: error.message.escapingControlCharacters(), status: error.statusCode, retryAfter: nil)
        case .success(let response):
            let status = response.status
            if (200..<300).contains(status) { return .delivered(status: status) }
            let reason = "HTTP \(status)" + excerpt(response.body)
            if status == 408 || status == 429 || (500..<600).contains(status) {
                return .retry(reason: reason, status: status, retryAfter: retryAfterSeconds(response.retryAfter))
            }
            return .failed(reason: reason, status: status)
        }
    }

    /// `: <the first 120 characters of the answer>`, escaped; empty for an empty answer.
    private static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(480), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return "" }
        let short = text.count > 120 ? String(text.prefix(120)) + "…" : text
        return ": " + short.escapingControlCharacters()
    }

    /// A `Retry-After` of whole seconds (0 to a day); nil for anything else.
    private static func retryAfterSeconds(_ value: String?) -> Double? {
        guard let value, let seconds = Int(value), (0...86_400).contains(seconds) else { return nil }
        return Double(seconds)
    }
}
