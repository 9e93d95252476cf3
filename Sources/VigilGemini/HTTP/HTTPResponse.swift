/// What came back from one HTTP request.
public struct HTTPResponse: Sendable {
    /// The HTTP status (200, 429, ...).
    public var status: Int
    /// The body as received.
    public var body: [UInt8]
    /// The `Retry-After` header in seconds, when the server sent one.
    public var retryAfterSeconds: Double?
}
