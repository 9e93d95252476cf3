package import Foundation
package import VigilCore

/// The image sent for one source at one tick: the JPEG, and what each camera contributed.
package struct SampledImage: Sendable {
    /// One camera's part of the image.
    package struct Part: Sendable, Equatable {
        package var cameraID: String
        /// False when the camera had no fresh frame (its quadrant is dark).
        package var present: Bool
        /// The source frame's size (`1920x1080`), when present.
        package var frameSize: String?
        /// How old the frame was when sampled, in seconds.
        package var age: Double?
        package var decodeMode: DecodeMode
        /// The stream session the frame came from.
        package var sessionID: UUID?
    }

    package var jpeg: [UInt8]
    package var width: Int
    package var height: Int
    /// In quadrant order for a group.
    package var parts: [Part]
    /// Time spent decoding, scaling and encoding, in milliseconds.
    package var composeMilliseconds: Double

    /// The ids of cameras with no fresh frame.
    package var missing: [String] { parts.filter { !$0.present }.map(\.cameraID) }
    /// Whether no camera had a frame (nothing worth sending).
    package var isEmpty: Bool { parts.allSatisfy { !$0.present } }
}
