/// What came back from one HTTP request.
package struct HTTPResponse: Sendable {
    /// The HTTP status (200, 429, ...).
    package var status: Int
    /// The body as received (decoded when it came compressed), at most the request's size limit.
    package var body: [UInt8]
    /// The `Retry-After` header in seconds (delay-seconds, or an HTTP-date counted from when the
    /// response was received), finite and not negative; nil when the server sent none or an
    /// invalid one (`nan`, `-5`, `soon`), see ``RetryDelayParser/retryAfterSeconds(_:now:)``.
    package var retryAfterSeconds: Double?
}
