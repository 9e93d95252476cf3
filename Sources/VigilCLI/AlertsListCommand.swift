import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// `vigil alerts list`: the outbox's alerts and each channel's delivery.
struct AlertsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the alerts of the last days (or every pending one) with each channel's delivery.",
        discussion: """
            Newest first. Each alert is a line (time, kind, client/camera, summary), then one indented line \
            per channel: delivered, pending or failed, the attempts made, the last status and error, and \
            when it was delivered, failed, or is tried next.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Every alert, however old, with a delivery still pending (instead of the last --days).")
    var pending = false

    @Option(help: ArgumentHelp("The last N days, up to now (1 to 3660).", valueName: "N"))
    var days: Int = 7

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    func validate() throws {
        guard (1...3660).contains(days) else { throw ValidationError("--days must be 1 to 3660, got \(days)") }
        guard format == .text || format == .json else { throw ValidationError("--format must be text or json") }
    }

    func run() async throws {
        let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
        let since = Date().addingTimeInterval(-Double(days) * 86_400)
        let alerts = try await session.run("alerts list") {
            try await AlertOutboxQuery(client: session.client).list(since: since, pendingOnly: pending)
        }
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            try emit(String(decoding: encoder.encode(alerts), as: UTF8.self) + "\n", to: nil)
            return
        }
        try emit(Self.text(alerts, pending: pending, days: days), to: nil)
    }

    /// Per alert a line, then an indented line per channel; every untrusted text escaped; then the total.
    static func text(_ alerts: [AlertListing], pending: Bool, days: Int) -> String {
        var text = ""
        for alert in alerts {
            let place = [alert.clientID, alert.cameraID].compactMap { $0?.escapingControlCharacters() }.joined(separator: "/")
            let head = [
                IncidentsCommand.iso(alert.createdAt), alert.kind.escapingControlCharacters(), place.isEmpty ? "-" : place,
                IncidentsCommand.shown(alert.summary),
            ]
            text += head.joined(separator: "  ") + "\n"
            if alert.deliveries.isEmpty { text += "    no channel\n" }
            for delivery in alert.deliveries {
                var fields = [
                    delivery.channel.escapingControlCharacters(), delivery.state.rawValue,
                    "\(delivery.attempts) attempt\(delivery.attempts == 1 ? "" : "s")",
                ]
                if let status = delivery.lastStatus { fields.append("status \(status)") }
                if let error = delivery.lastError { fields.append("error: \(IncidentsCommand.shown(error))") }
                switch delivery.state {
                case .delivered: fields.append("delivered \(delivery.deliveredAt.map(IncidentsCommand.iso) ?? "-")")
                case .failed: fields.append("failed \(delivery.failedAt.map(IncidentsCommand.iso) ?? "-")")
                case .pending: fields.append("next attempt \(delivery.nextAttemptAt.map(IncidentsCommand.iso) ?? "-")")
                }
                text += "    " + fields.joined(separator: "  ") + "\n"
            }
        }
        let waiting = alerts.reduce(0) { $0 + $1.deliveries.count { $0.state == .pending } }
        let scope = pending ? "with a delivery pending" : "in the last \(days) day\(days == 1 ? "" : "s")"
        return text
            + "\(alerts.count) alert\(alerts.count == 1 ? "" : "s") \(scope), \(waiting) deliver\(waiting == 1 ? "y" : "ies") pending\n"
    }
}
