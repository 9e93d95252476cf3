package import VigilCore
package import VigilGemini

/// A step of the analysis that can keep a sample from being sent, or act on what a call did.
///
/// The pipeline runs its stages in order at three points: before the call (``admit(_:)``: a
/// scene-change gate or a budget check says no here), after each attempt's usage record is made
/// durable (``recorded(_:attempt:sample:spooled:)``: counters, the call's log line), and after the
/// last attempt (``finished(_:)``: incidents, alerts). Every method has a default that does nothing,
/// so a stage implements only its own point. A stage never sees a record before it is spooled.
package protocol AnalysisStage: Sendable {
    /// Before any request: nil lets the sample go on; a reason stops it (nothing is sent, so nothing
    /// is recorded as a call).
    func admit(_ sample: AnalysisSample) async -> String?
    /// After an attempt's usage record was handed to the ledger: `spooled` is false when it could
    /// not be made durable.
    func recorded(_ record: UsageRecord, attempt: AttemptReport, sample: AnalysisSample, spooled: Bool) async
    /// After the last attempt, with the verdicts (or the final failure) and every record.
    func finished(_ analysis: CompletedAnalysis) async
}

extension AnalysisStage {
    package func admit(_ sample: AnalysisSample) async -> String? { nil }
    package func recorded(_ record: UsageRecord, attempt: AttemptReport, sample: AnalysisSample, spooled: Bool) async {}
    package func finished(_ analysis: CompletedAnalysis) async {}
}
