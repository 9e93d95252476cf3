package import Foundation
package import Logging
package import VigilAlerts
package import VigilCapture
package import VigilCore
import VigilCurl
package import VigilStore

/// Where alerts are raised: incidents the rules let through, cameras gone dark and back, budget
/// crossings. Each becomes an ``Alert`` in the ``AlertOutbox`` (durable before any attempt) with
/// one delivery per channel its client's alerts go to; ``AlertSender`` delivers them.
///
/// Holds the cooldowns (``AlertCooldown``) and the cameras' health (``CameraHealth``), pure values,
/// and the channels of the current configuration (``apply(_:)`` takes a new one: a pending
/// delivery to a channel removed meanwhile is given up).
package actor AlertCenter {
    private var configuration: VigilConfiguration
    private var channels: AlertChannels
    private var cooldown = AlertCooldown()
    private var health: CameraHealth
    package nonisolated let outbox: AlertOutbox
    package nonisolated let evidence: EvidenceStore
    private let http: HTTPTransport
    private let mail: MailTransport
    private let logger: Logger
    /// Rung when an alert is enqueued, so ``AlertSender`` makes a pass at once.
    package nonisolated let doorbell = Doorbell()

    package init(configuration: VigilConfiguration, outbox: AlertOutbox, logger: Logger) {
        self.configuration = configuration
        self.outbox = outbox
        self.evidence = EvidenceStore(
            directory: configuration.alerts.evidenceDirectory, retentionDays: configuration.alerts.evidenceRetentionDays)
        let http = HTTPTransport(concurrency: 2, name: "vigil-alert-http")
        let mail = MailTransport()
        self.http = http
        self.mail = mail
        self.channels = AlertChannels(configuration: configuration, http: http, mail: mail)
        self.health = CameraHealth(offlineAfter: Double(configuration.alerts.cameraOfflineAfterSeconds))
        self.logger = logger
    }

    /// Takes a new configuration: rules, channels and the offline threshold apply at once.
    package func apply(_ new: VigilConfiguration) {
        configuration = new
        channels = AlertChannels(configuration: new, http: http, mail: mail)
        health.offlineAfter = Double(new.alerts.cameraOfflineAfterSeconds)
        cooldown.retain(cameras: Set(new.cameras.map(\.id)))
    }

    /// The channel with this id in the current configuration.
    package func channel(_ id: String) -> (any AlertChannel)? { channels.channel(id) }

    /// The channels an alert of `clientID` goes to now.
    package func channels(for clientID: String?) -> [any AlertChannel] { channels.channels(for: clientID) }

    /// When a failed delivery is tried again, from `alerts.retry`.
    package var schedule: DeliverySchedule {
        let retry = configuration.alerts.retry
        return DeliverySchedule(initialDelay: retry.initialSeconds, maxDelay: retry.maxSeconds, giveUpAfter: retry.giveUpAfterHours * 3600)
    }

    /// The names an e-mail about `alert` uses.
    package func context(for alert: Alert) -> AlertContext {
        AlertContext(
            clientName: alert.clientID.flatMap { configuration.client($0)?.name },
            cameraName: alert.cameraID.flatMap { configuration.camera($0)?.name },
            sourceName: alert.sourceID, operatorName: configuration.billing.seller.name)
    }

    /// The incidents of a finished analysis that the rules let through, raised (or counted as
    /// suppressed by the cooldown).
    package func incidents(of analysis: CompletedAnalysis, at time: Date = Date()) async {
        let source = analysis.sample.source
        let requestID = analysis.records.last?.requestID
        for verdict in analysis.outcome.verdicts ?? [] where verdict.incidentDetected {
            let rules = configuration.alertRules(for: source.client)
            let confidence = verdict.confidence.flatMap(Double.init)
            guard rules.alerts(incidentType: verdict.incidentType, confidence: confidence) else { continue }
            switch cooldown.decide(camera: verdict.cameraID, type: verdict.incidentType, at: time, cooldownSeconds: rules.cooldownSeconds) {
            case .suppress(let count):
                DaemonMetrics.alert(kind: "incident", channel: "none", outcome: "suppressed")
                logger.info(
                    "incident alert suppressed by the cooldown",
                    metadata: [
                        "camera": "\(verdict.cameraID)", "incident_type": "\(verdict.incidentType)", "suppressed": "\(count)",
                    ])
            case .send(let suppressed):
                await raise(
                    AlertFactory.incident(
                        verdict, clientID: source.client, sourceID: source.id, requestID: requestID, time: time, suppressed: suppressed))
            }
        }
    }

    /// The cameras' liveness now: one alert when a camera has been dark for the threshold, one
    /// when it is back. Cameras stopped or at the end of their file are not judged.
    package func observe(_ statuses: [CameraStatus], at time: Date = Date()) async {
        var liveness: [String: Bool] = [:]
        for status in statuses where status.state != .stopped && status.state != .ended {
            liveness[status.cameraID] = status.state == .live
        }
        let changes = health.observe(liveness, at: time)
        // Called every second: the plan (which source shows a camera) is made only when there is a change.
        guard !changes.isEmpty else { return }
        let plan = AnalysisPlan(configuration)
        func source(of camera: String) -> String? { plan.sources.first { $0.cameras.contains { $0.id == camera } }?.id }
        for change in changes {
            switch change {
            case .offline(let camera, let since):
                guard let client = configuration.camera(camera)?.client else { continue }
                await raise(
                    AlertFactory.cameraOffline(camera: camera, clientID: client, sourceID: source(of: camera), since: since, time: time))
            case .online(let camera, let since, let outage):
                guard let client = configuration.camera(camera)?.client else { continue }
                let source = source(of: camera)
                await raise(
                    AlertFactory.cameraOnline(camera: camera, clientID: client, sourceID: source, since: since, outage: outage, time: time))
            }
        }
    }

    /// A budget crossing that this daemon recorded first (every daemon tries, one row stays).
    package func budgetCrossed(client: String, month: String, level: String, spent: String, limit: String, at time: Date = Date()) async {
        let currency = "USD"
        await raise(
            AlertFactory.budget(clientID: client, month: month, level: level, spent: spent, limit: limit, currency: currency, time: time))
    }

    /// Makes `alert` durable in the outbox with a delivery per channel of its client, and wakes
    /// the sender. An alert that cannot be made durable anywhere is logged as lost.
    package func raise(_ alert: Alert) async {
        let ids = channels.channels(for: alert.clientID).map(\.id)
        do {
            try await outbox.enqueue(alert, channels: ids)
        } catch {
            logger.critical(
                "an alert could not be made durable: it is lost",
                metadata: ["alert_id": "\(alert.id)", "kind": "\(alert.kind.rawValue)", "error": "\(error)"])
            return
        }
        var metadata: Logger.Metadata = ["alert_id": "\(alert.id)", "kind": "\(alert.kind.rawValue)", "channels": "\(ids.count)"]
        if let camera = alert.cameraID { metadata["camera"] = "\(camera)" }
        if let client = alert.clientID { metadata["client"] = "\(client)" }
        logger.notice("alert raised", metadata: metadata)
        doorbell.ring()
    }
}
