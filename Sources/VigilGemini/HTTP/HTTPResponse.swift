/// What came back from one HTTP request.
package struct HTTPResponse: Sendable {
    /// The HTTP status (200, 429, ...).
    package var status: Int
    /// The body as received.
    package var body: [UInt8]
    /// The `Retry-After` header in seconds, when the server sent one.
    package var retryAfterSeconds: Double?
}
