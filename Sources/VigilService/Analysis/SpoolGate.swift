import Foundation
package import Logging
package import VigilStore

/// Makes no Gemini call while the usage spool cannot take its record: every call must become a
/// row, so when the disk is full (or below the spool's reserve), read-only or not writable, calls
/// stop until it can, and resume by themselves when it can again.
///
/// Each change is logged once (an error when calls stop, a notice when they resume) and shown by
/// `vigil_spool_writable`; `/readyz` reads the ledger's ``UsageLedger/Statistics/spoolProblem``.
package final class SpoolGate: AnalysisStage, @unchecked Sendable {
    private let ledger: UsageLedger
    private let logger: Logger
    private let lock = NSLock()
    private var blocked: String?

    package init(ledger: UsageLedger, logger: Logger) {
        self.ledger = ledger
        self.logger = logger
    }

    package func admit(_ candidate: inout AnalysisCandidate) async -> String? {
        let problem = await ledger.spoolProblem()
        let changed: Bool = lock.withLock {
            defer { blocked = problem }
            return (blocked == nil) != (problem == nil)
        }
        DaemonMetrics.spoolWritable(problem == nil)
        if changed, let problem {
            logger.error("the usage spool cannot take records: no Gemini calls until it can", metadata: ["reason": "\(problem)"])
        } else if changed {
            logger.notice("the usage spool takes records again: Gemini calls resume")
        }
        return problem.map { "the usage spool cannot take records (\($0))" }
    }
}
