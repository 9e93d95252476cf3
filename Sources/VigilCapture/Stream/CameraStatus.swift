public import Foundation

/// A camera's state and counters, for logs, `vigil check`, metrics and `/readyz`.
public struct CameraStatus: Sendable, Equatable {
    public var cameraID: String
    public var state: CameraState
    /// The last error, redacted (no password), when the last open or read failed.
    public var lastError: String?
    /// Times the stream was reopened after being open or failing to open.
    public var reconnects: Int
    /// The current connection's session, while live.
    public var sessionID: UUID?
    /// How the stream is decoded now.
    public var decodeMode: DecodeMode
    /// Video packets received since start.
    public var packets: Int
    /// Frames decoded since start.
    public var framesDecoded: Int
    /// Frames the decoder could not decode whole (parts missing or broken, concealed) since start:
    /// a camera or network that damages pictures.
    public var framesDamaged: Int
    /// Pictures that arrived without their beginning (their first slices lost, or the session
    /// joined the stream in the middle of them) and were therefore not decoded, since start.
    public var picturesIncomplete: Int
    /// Samples taken since start.
    public var framesSampled: Int
    /// When the newest video packet arrived.
    public var lastPacketAt: Date?
    /// Codec and size as the stream announced them (`h264 1920x1080`).
    public var streamDescription: String?

    public init(cameraID: String, state: CameraState = .connecting, decodeMode: DecodeMode = .keyframes) {
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
