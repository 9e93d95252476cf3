public import VigilCore

/// The result of one analysis: its attempts, and either verdicts or the final failure.
public struct AnalysisOutcome: Sendable {
    public var attempts: [AttemptReport]
    public var verdicts: [CameraVerdict]?
    public var failure: GeminiFailure?
}
