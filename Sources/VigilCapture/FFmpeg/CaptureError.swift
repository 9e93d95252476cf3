/// Why a camera could not be opened, read or sampled. The message never contains a password.
package struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable, Equatable {
        /// Nothing listens, or the host does not answer in time.
        case unreachable
        /// The server wants other credentials (RTSP 401).
        case unauthorized
        /// The path does not exist (RTSP 404).
        case notFound = "not_found"
        /// The stream has no video FFmpeg can decode.
        case unsupported
        /// No packet within the stall timeout.
        case stalled
        /// Any other failure.
        case failed
    }

    package var kind: Kind
    package var message: String

    package init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }
}
