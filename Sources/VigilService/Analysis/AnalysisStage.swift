package import VigilCore
package import VigilGemini

/// A step of the analysis that can keep a sample from being sent, or act on what a call did.
///
/// The pipeline runs its stages in order at four points: before anything is encoded or sent
/// (``admit(_:)``: the spool gate, the scene-change gate and the budget say no here), when a sample
/// a stage admitted is not sent after all (``withdrawn(_:)``: a later stage held it, or its image
/// could not be made), after each attempt's usage record is made durable
/// (``recorded(_:attempt:sample:spooled:)``: counters, the call's log line), and after the last
/// attempt (``finished(_:)``: the gate's reference picture, incidents, alerts). Every method has a
/// default that does nothing, so a stage implements only its own points. A stage never sees a
/// record before it is spooled.
package protocol AnalysisStage: Sendable {
    /// Before any request: nil lets the sample go on; a reason stops it (nothing is sent, so nothing
    /// is recorded as a call). A stage may annotate the candidate (the scene gate names the cameras
    /// that changed, which the prompt then says).
    func admit(_ candidate: inout AnalysisCandidate) async -> String?
    /// Before each attempt of an admitted sample (the first and every retry): nil lets it go; a
    /// reason ends the analysis without sending it (the cluster's lease gate: a lease that lapsed).
    func mayAttempt(_ candidate: AnalysisCandidate) async -> String?
    /// A sample this stage admitted was not sent: a later stage held it, or its image failed.
    func withdrawn(_ candidate: AnalysisCandidate) async
    /// After an attempt's usage record was handed to the ledger: `spooled` is false when it could
    /// not be made durable.
    func recorded(_ record: UsageRecord, attempt: AttemptReport, sample: AnalysisSample, spooled: Bool) async
    /// After the last attempt, with the verdicts (or the final failure) and every record.
    func finished(_ analysis: CompletedAnalysis) async
}

extension AnalysisStage {
    package func admit(_ candidate: inout AnalysisCandidate) async -> String? { nil }
    package func mayAttempt(_ candidate: AnalysisCandidate) async -> String? { nil }
    package func withdrawn(_ candidate: AnalysisCandidate) async {}
    package func recorded(_ record: UsageRecord, attempt: AttemptReport, sample: AnalysisSample, spooled: Bool) async {}
    package func finished(_ analysis: CompletedAnalysis) async {}
}
