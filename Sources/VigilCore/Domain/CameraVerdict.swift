/// Gemini's verdict on one camera's image (one quadrant of a group's tile).
package struct CameraVerdict: Sendable, Equatable, Codable {
    /// The kinds of incident the schema allows.
    package static let incidentTypes = ["none", "theft", "intrusion", "violence", "vandalism", "fire_smoke", "medical", "other"]

    package var cameraID: String
    /// 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right; nil for a single camera.
    package var quadrant: Int?
    package var incidentDetected: Bool
    /// One of ``incidentTypes``.
    package var incidentType: String
    /// 0 to 1, as the model gave it (kept as text to stay exact).
    package var confidence: String?
    package var description: String
    /// Frame size of the camera's picture (`1920x1080`), if known.
    package var frameSize: String?
    /// Frames the verdict is based on.
    package var frameCount: Int
    /// The model's answer text the verdict was parsed from.
    package var analysisText: String?
    /// The JPEG that was sent, kept on disk because this verdict is an incident (for a group, the
    /// whole tile: ``quadrant`` says which part is this camera's); nil otherwise.
    package var evidencePath: String?

    package init(
        cameraID: String, quadrant: Int? = nil, incidentDetected: Bool, incidentType: String, confidence: String? = nil,
        description: String, frameSize: String? = nil, frameCount: Int = 1, analysisText: String? = nil, evidencePath: String? = nil
    ) {
        self.cameraID = cameraID
        self.quadrant = quadrant
        self.incidentDetected = incidentDetected
        self.incidentType = incidentType
        self.confidence = confidence
        self.description = description
        self.frameSize = frameSize
        self.frameCount = frameCount
        self.analysisText = analysisText
        self.evidencePath = evidencePath
    }
}
