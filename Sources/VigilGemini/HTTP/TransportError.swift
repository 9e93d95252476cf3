/// A request that got no HTTP response.
package struct TransportError: Error, Sendable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// No connection could be made (refused, DNS, TLS); nothing reached the server.
        case connect
        /// The connect or total timeout expired.
        case timeout
        /// The connection broke after the request was sent.
        case network
    }

    package var kind: Kind
    /// libcurl's message (it never contains the API key, which travels in a header).
    package var message: String
    /// Whether any of the request was sent, so the server may have seen (and billed) it.
    package var requestSent: Bool

    package var description: String { message }
}
