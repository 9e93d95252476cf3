import Foundation
package import VigilCore
package import VigilGemini

/// Counts the daemon's calls, tokens, incidents and lost records for ``DaemonStatistics`` and the
/// metrics, as a stage of every analysis. Shared by every analysis in flight; thread-safe.
package final class DaemonCounters: AnalysisStage, @unchecked Sendable {
    private let lock = NSLock()
    private var counted = DaemonStatistics()

    package init() {}

    /// Everything counted since start.
    package var statistics: DaemonStatistics { lock.withLock { counted } }

    /// Counts a tick skipped for `source`: `in_flight` (its previous call still runs) or `no_frame`.
    package func skipped(_ source: String, reason: String) {
        DaemonMetrics.skipped(source, reason: reason)
        lock.withLock {
            if reason == "in_flight" { counted.skippedInFlight += 1 } else { counted.skippedNoFrame += 1 }
        }
    }

    package func recorded(_ record: UsageRecord, attempt: AttemptReport, sample: AnalysisSample, spooled: Bool) async {
        DaemonMetrics.call(record)
        lock.withLock {
            if !spooled { counted.recordsLost += 1 }
            if record.success { counted.callsSucceeded += 1 } else { counted.callsFailed += 1 }
            if record.attempt > 1 { counted.retries += 1 }
            counted.promptTokens &+= record.usage.promptTokens
            counted.outputTokens &+= record.usage.candidatesTokens
            counted.thoughtsTokens &+= record.usage.thoughtsTokens
            counted.cachedTokens &+= record.usage.cachedTokens
        }
    }

    package func finished(_ analysis: CompletedAnalysis) async {
        let incidents = (analysis.outcome.verdicts ?? []).filter(\.incidentDetected)
        for verdict in incidents { DaemonMetrics.incident(verdict.cameraID, type: verdict.incidentType) }
        lock.withLock { counted.incidents += incidents.count }
    }
}
