package import VigilCore

/// Alert delivery as a stage of every analysis, after the verdict: a finished analysis's incidents
/// go to the ``AlertCenter`` (rules, cooldown, outbox). It never holds a sample back.
package struct AlertStage: AnalysisStage {
    package var center: AlertCenter

    package init(center: AlertCenter) {
        self.center = center
    }

    package func finished(_ analysis: CompletedAnalysis) async {
        guard analysis.outcome.verdicts?.contains(where: \.incidentDetected) == true else { return }
        await center.incidents(of: analysis)
    }
}
