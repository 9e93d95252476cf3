package import Foundation
package import VigilCore

/// A camera's state and counters, for logs, `vigil check`, metrics and `/readyz`.
package struct CameraStatus: Sendable, Equatable {
    package var cameraID: String
    package var state: CameraState
    /// The last error, redacted (no password), when the last open or read failed.
    package var lastError: String?
    /// Times the stream was reopened after being open or failing to open.
    package var reconnects: Int
    /// The current connection's session, while live.
    package var sessionID: UUID?
    /// How the stream is decoded now.
    package var decodeMode: DecodeMode
    /// Video packets received since start.
    package var packets: Int
    /// Frames decoded since start.
    package var framesDecoded: Int
    /// Frames the decoder could not decode whole (parts missing or broken, concealed) since start:
    /// a camera or network that damages pictures.
    package var framesDamaged: Int
    /// Pictures that arrived without their beginning (their first slices lost, or the session
    /// joined the stream in the middle of them) and were therefore not decoded, since start.
    package var picturesIncomplete: Int
    /// Samples taken since start.
    package var framesSampled: Int
    /// When the newest video packet arrived.
    package var lastPacketAt: Date?
    /// Codec and size as the stream announced them (`h264 1920x1080`).
    package var streamDescription: String?

    package init(cameraID: String, state: CameraState = .connecting, decodeMode: DecodeMode = .keyframes) {
        self.cameraID = cameraID
        self.state = state
        self.lastError = nil
        self.reconnects = 0
        self.sessionID = nil
        self.decodeMode = decodeMode
        self.packets = 0
        self.framesDecoded = 0
        self.framesDamaged = 0
        self.picturesIncomplete = 0
        self.framesSampled = 0
        self.lastPacketAt = nil
        self.streamDescription = nil
    }
}
