package import Foundation

/// What came back from one HTTP request.
package struct HTTPResponse: Sendable {
    /// The HTTP status (200, 429, ...).
    package var status: Int
    /// The body as received (decoded when it came compressed), at most the request's size limit.
    package var body: [UInt8]
    /// The `Retry-After` header as sent (at most 256 bytes, trimmed); untrusted text, for the
    /// caller to parse.
    package var retryAfter: String?
    /// When the response's body was complete (the reference of an HTTP-date `Retry-After`).
    package var receivedAt: Date

    package init(status: Int, body: [UInt8], retryAfter: String? = nil, receivedAt: Date = Date()) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
        self.receivedAt = receivedAt
    }
}
