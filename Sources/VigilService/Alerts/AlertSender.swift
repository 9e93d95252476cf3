package import Foundation
package import Logging
import ServiceLifecycle
package import VigilAlerts
package import VigilCore
package import VigilStore

/// Delivers the outbox's alerts to their channels, at least once each, as a service of the daemon.
///
/// Every second (and at once when an alert is raised) it moves spooled alerts into PostgreSQL,
/// claims the deliveries that are due (from PostgreSQL, or from the spool while PostgreSQL is
/// unreachable), makes one attempt each (up to four at once), and records the outcome: delivered;
/// retried later with exponential backoff (``DeliverySchedule``); or given up, on a permanent
/// failure or when retries run out. A restart resumes whatever is pending, with the same alert id.
/// At shutdown it finishes the attempts under way (they are bounded by the channels' timeouts).
package final class AlertSender: Service {
    private let center: AlertCenter
    private let logger: Logger
    /// Seconds between passes when nothing wakes it. Default 1.
    private let pollInterval: Double

    package init(center: AlertCenter, logger: Logger, pollInterval: Double = 1) {
        self.center = center
        self.logger = logger
        self.pollInterval = pollInterval
    }

    package func run() async throws {
        let outbox = center.outbox
        do {
            try await outbox.open()
        } catch {
            logger.error("the alerts spool cannot be opened; alerts go straight to PostgreSQL", metadata: ["error": "\(error)"])
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.pruneEvidencePeriodically() }
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                await pass()
                await waitForWork()
            }
            group.cancelAll()
        }
        await outbox.flush()
    }

    /// One pass: flush, claim, deliver, record; publishes the pending gauge.
    package func pass(now: Date = Date()) async {
        let outbox = center.outbox
        let flushed = await outbox.flush()
        var due: [PendingAlertDelivery] = []
        if flushed != nil {
            do {
                due = try await outbox.claimDue(now: now)
            } catch {
                logger.debug("cannot claim alert deliveries", metadata: ["error": "\(error)"])
            }
        }
        due += outbox.spooledDue(now: now)
        if !due.isEmpty {
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                for delivery in due {
                    if running == 4 {
                        await group.next()
                        running -= 1
                    }
                    group.addTask { await self.attempt(delivery) }
                    running += 1
                }
            }
        }
        let pending = await outbox.pendingCount()
        DaemonMetrics.alertsPending((pending.database ?? 0) + pending.spooled)
    }

    /// One attempt of one delivery, recorded where it is held.
    private func attempt(_ delivery: PendingAlertDelivery) async {
        let alert = delivery.alert
        let result: DeliveryResult
        let type: String
        let label: String
        if let channel = await center.channel(delivery.state.channel) {
            type = channel.type
            label = channel.label
            var evidence: [UInt8]? = nil
            if let path = alert.evidencePath { evidence = await center.evidence.read(path) }
            result = await channel.deliver(alert, evidence: evidence, context: await center.context(for: alert))
        } else {
            type = delivery.state.channel.contains(".email") ? "email" : "webhook"
            label = delivery.state.channel
            result = .failed(reason: "the channel is no longer configured", status: nil)
        }
        let now = Date()
        let attempts = delivery.state.attempts + 1
        let recorded: AlertAttempt
        var outcome = result.outcome
        switch result {
        case .delivered(let status):
            recorded = AlertAttempt(outcome: .delivered, at: now, status: status)
            logger.info("alert delivered", metadata: metadata(alert, label: label, attempts: attempts))
        case .retry(let reason, let status, let retryAfter):
            if let next = await center.schedule.nextAttempt(after: attempts, failedAt: now, alertTime: alert.time, retryAfter: retryAfter) {
                recorded = AlertAttempt(outcome: .retry(at: next), at: now, status: status, error: reason)
                var details = metadata(alert, label: label, attempts: attempts)
                details["error"] = "\(reason)"
                details["retry_in_s"] = "\(Int(next.timeIntervalSince(now).rounded()))"
                logger.warning("alert not delivered yet; will retry", metadata: details)
            } else {
                outcome = "failed"
                recorded = AlertAttempt(outcome: .failed, at: now, status: status, error: "gave up after \(attempts) attempts: \(reason)")
                var details = metadata(alert, label: label, attempts: attempts)
                details["error"] = "\(reason)"
                logger.error("alert given up: retries exhausted", metadata: details)
            }
        case .failed(let reason, let status):
            recorded = AlertAttempt(outcome: .failed, at: now, status: status, error: reason)
            var details = metadata(alert, label: label, attempts: attempts)
            details["error"] = "\(reason)"
            logger.error("alert delivery failed permanently", metadata: details)
        }
        DaemonMetrics.alert(kind: alert.kind.rawValue, channel: type, outcome: outcome)
        do {
            try await center.outbox.record(delivery, attempt: recorded)
        } catch {
            // A database delivery's claim runs out and it is tried again: at least once.
            logger.warning("cannot record an alert delivery; it will be tried again", metadata: ["error": "\(error)"])
        }
    }

    private func metadata(_ alert: Alert, label: String, attempts: Int) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "alert_id": "\(alert.id)", "kind": "\(alert.kind.rawValue)", "channel": "\(label)", "attempt": "\(attempts)",
        ]
        if let camera = alert.cameraID { metadata["camera"] = "\(camera)" }
        return metadata
    }

    /// Until the next pass: the poll interval, an alert raised, or shutdown (looked at every 50 ms).
    private func waitForWork() async {
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int(pollInterval * 1000)))
        while ContinuousClock.now < deadline && !Task.isShuttingDownGracefully && !Task.isCancelled {
            if center.doorbell.take() { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Removes evidence pictures past their retention, hourly.
    private func pruneEvidencePeriodically() async {
        while !Task.isCancelled {
            let removed = await center.evidence.prune()
            if removed > 0 { logger.info("evidence pictures past their retention removed", metadata: ["files": "\(removed)"]) }
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}
