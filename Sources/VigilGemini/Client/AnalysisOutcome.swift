package import VigilCore

/// The result of one analysis: its attempts, and either verdicts or the final failure.
package struct AnalysisOutcome: Sendable {
    package var attempts: [AttemptReport]
    package var verdicts: [CameraVerdict]?
    package var failure: GeminiFailure?
}
