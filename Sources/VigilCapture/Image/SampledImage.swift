public import Foundation
public import VigilCore

/// The image sent for one source at one tick: the JPEG, and what each camera contributed.
public struct SampledImage: Sendable {
    /// One camera's part of the image.
    public struct Part: Sendable, Equatable {
        public var cameraID: String
        /// False when the camera had no fresh frame (its quadrant is dark).
        public var present: Bool
        /// The source frame's size (`1920x1080`), when present.
        public var frameSize: String?
        /// How old the frame was when sampled, in seconds.
        public var age: Double?
        public var decodeMode: DecodeMode
        /// The stream session the frame came from.
        public var sessionID: UUID?
    }

    public var jpeg: [UInt8]
    public var width: Int
    public var height: Int
    /// In quadrant order for a group.
    public var parts: [Part]
    /// Time spent decoding, scaling and encoding, in milliseconds.
    public var composeMilliseconds: Double

    /// The ids of cameras with no fresh frame.
    public var missing: [String] { parts.filter { !$0.present }.map(\.cameraID) }
    /// Whether no camera had a frame (nothing worth sending).
    public var isEmpty: Bool { parts.allSatisfy { !$0.present } }
}
