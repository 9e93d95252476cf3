/// A request that got no (whole) HTTP response.
package struct TransportError: Error, Sendable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// No connection could be made (refused, DNS, TLS); nothing reached the server.
        case connect
        /// The connect or total timeout expired.
        case timeout
        /// The connection broke after the request was sent, or closed without an answer.
        case network
        /// The response body grew past the request's size limit, and the transfer was abandoned.
        case responseTooLarge
    }

    package var kind: Kind
    /// libcurl's message (it never contains a key or secret, which travel in headers; it may name
    /// the URL's host).
    package var message: String
    /// Whether any of the request was sent, so the server may have seen (and billed) it.
    package var requestSent: Bool
    /// The HTTP status, when the response's headers came before the transfer failed.
    package var statusCode: Int? = nil

    package var description: String { message }

    package init(kind: Kind, message: String, requestSent: Bool, statusCode: Int? = nil) {
        self.kind = kind
        self.message = message
        self.requestSent = requestSent
        self.statusCode = statusCode
    }
}
