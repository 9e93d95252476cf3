/// Why a camera could not be opened, read or sampled. The message never contains a password.
public struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
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

    public var kind: Kind
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
