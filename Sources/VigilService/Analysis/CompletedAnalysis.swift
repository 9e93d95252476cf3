package import VigilCore
package import VigilGemini

/// An analysis whose attempts are over: the sample sent, the outcome (verdicts or the final
/// failure, with every attempt), and the usage record of each attempt that reached Gemini.
package struct CompletedAnalysis: Sendable {
    package var sample: AnalysisSample
    package var outcome: AnalysisOutcome
    package var records: [UsageRecord]
}
