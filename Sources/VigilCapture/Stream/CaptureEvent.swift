package import Foundation
package import VigilCore

/// Something that happened to a camera's stream, reported once per change (never once per retry).
package enum CaptureEvent: Sendable, Equatable {
    /// The stream opened: a new session starts.
    case connected(cameraID: String, sessionID: UUID, at: Date, description: String)
    /// The session ended (error, stall, end of file, stop).
    case disconnected(cameraID: String, sessionID: UUID, at: Date, reason: String)
    /// The state changed (for logs and metrics), with the error that caused it, if any.
    case stateChanged(cameraID: String, state: CameraState, error: String?)
    /// The decode mode changed (for example, keyframes only fell back to all frames).
    case decodeModeChanged(cameraID: String, mode: DecodeMode, reason: String)
}
