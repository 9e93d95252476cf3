package import VigilCapture
package import VigilCore
package import VigilGemini

/// What one analysis is about to send: the source, the image sampled from its cameras, and the prompt.
package struct AnalysisSample: Sendable {
    package var source: AnalysisSource
    package var image: SampledImage
    package var prompt: AnalysisPrompt

    /// `[Front Door]` or `[group shop-floor]`, as the log lines name the source.
    package var label: String { "[\(source.displayName)]" }
}
