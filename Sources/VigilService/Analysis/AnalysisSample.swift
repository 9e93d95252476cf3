package import VigilCapture
package import VigilCore
package import VigilGemini

/// What one analysis is about to send: the source, the image sampled from its cameras, and the prompt.
package struct AnalysisSample: Sendable {
    package var source: AnalysisSource
    package var image: SampledImage
    package var prompt: AnalysisPrompt
    /// The cameras whose scene changed since the last picture sent (nil: no gate judged).
    package var changedCameras: [String]?
    /// The cameras' scene thumbnails at the sample, in quadrant order (nil for a dark quadrant).
    package var thumbnails: [SceneThumbnail?]

    package init(
        source: AnalysisSource, image: SampledImage, prompt: AnalysisPrompt, changedCameras: [String]? = nil,
        thumbnails: [SceneThumbnail?] = []
    ) {
        self.source = source
        self.image = image
        self.prompt = prompt
        self.changedCameras = changedCameras
        self.thumbnails = thumbnails
    }

    /// `[Front Door]` or `[group shop-floor]`, as the log lines name the source.
    package var label: String { "[\(source.displayName)]" }
}
