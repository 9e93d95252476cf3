/// The frames sampled for one source at one tick: decoded, reduced to scene thumbnails, not yet
/// composed or encoded. What a scene-change gate looks at before any JPEG is made; handed back to
/// ``ImagePipeline/encode(_:)`` when the sample is to be sent.
///
/// Immutable once made. The frames inside are read only by the pipeline thread that composes them,
/// which is why the type can cross tasks.
package final class SampledFrames: @unchecked Sendable {
    /// The cameras of the source, in quadrant order.
    package let ids: [String]
    /// What each camera contributed (presence, frame size, age, session).
    package let parts: [SampledImage.Part]
    /// Each camera's thumbnail; nil for a camera with no fresh frame (or one too small to reduce).
    package let thumbnails: [SceneThumbnail?]
    /// Time spent decoding and reducing, in milliseconds.
    package let sampleMilliseconds: Double
    /// Of which reducing frames to thumbnails, in milliseconds.
    package let thumbnailMilliseconds: Double
    let frames: [Frame?]
    let captures: [CameraCapture?]

    init(
        ids: [String], parts: [SampledImage.Part], thumbnails: [SceneThumbnail?], frames: [Frame?], captures: [CameraCapture?],
        sampleMilliseconds: Double, thumbnailMilliseconds: Double
    ) {
        self.ids = ids
        self.parts = parts
        self.thumbnails = thumbnails
        self.frames = frames
        self.captures = captures
        self.sampleMilliseconds = sampleMilliseconds
        self.thumbnailMilliseconds = thumbnailMilliseconds
    }

    /// Whether no camera had a frame (nothing worth sending).
    package var isEmpty: Bool { parts.allSatisfy { !$0.present } }
    /// The ids of cameras with no fresh frame.
    package var missing: [String] { parts.filter { !$0.present }.map(\.cameraID) }
}
