package import Logging
package import VigilCore
package import VigilGemini

/// The daemon's journal of calls: one line per attempt (tokens, cost, duration; a warning for a
/// failed one) and a warning per incident.
///
/// ```
/// info [request_id=…] [Front Door] tokens prompt=534 cached=0 output=40 thoughts=0 total=574 cost=$0.0002602 in 812 ms
/// warning [camera=till incident_type=theft source=till] [Till] INCIDENT theft (confidence 0.91): a person puts goods in a bag …
/// ```
package struct CallLog: AnalysisStage {
    package var logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    package func recorded(_ record: UsageRecord, attempt: AttemptReport, sample: AnalysisSample, spooled: Bool) async {
        var metadata: Logger.Metadata = ["request_id": "\(record.requestID)", "model": "\(record.model)"]
        if let failure = attempt.failure {
            metadata["attempt"] = "\(attempt.attempt)"
            logger.warning("\(sample.label) call failed: \(failure) — \(UsageRecordFactory.logLine(record))", metadata: metadata)
        } else {
            logger.info("\(sample.label) \(UsageRecordFactory.logLine(record))", metadata: metadata)
        }
    }

    package func finished(_ analysis: CompletedAnalysis) async {
        let source = analysis.sample.source
        for verdict in analysis.outcome.verdicts ?? [] where verdict.incidentDetected {
            let camera = source.cameras.first { $0.id == verdict.cameraID }?.name ?? verdict.cameraID
            logger.warning(
                "[\(camera)] INCIDENT \(verdict.incidentType) (confidence \(verdict.confidence ?? "?")): \(verdict.description)",
                metadata: ["camera": "\(verdict.cameraID)", "incident_type": "\(verdict.incidentType)", "source": "\(source.id)"])
        }
        if analysis.outcome.verdicts == nil, let failure = analysis.outcome.failure, failure.kind == .paused {
            logger.debug("\(analysis.sample.label) not sent: \(failure)")
        }
    }
}
