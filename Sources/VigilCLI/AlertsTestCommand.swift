import ArgumentParser
import Foundation
import VigilAlerts
import VigilCore
import VigilCurl
import VigilService
import VigilStore

/// `vigil alerts test`: one `test` alert through every configured channel, now, with each result.
struct AlertsTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a test alert through every configured channel and print each channel's result.",
        discussion: """
            Without --client: the operator's channels (alerts.webhooks, alerts.email_to) and every client's. \
            With --client: the operator's and that client's. One attempt per channel, made at once (no retry); \
            the alert and its results are recorded in the outbox (vigil alerts list) when PostgreSQL is reachable. \
            Exits 0 when every channel took it, 1 when any failed, 65 when no channel is configured.

            Examples:
              vigil alerts test
              vigil alerts test --client acme-garage
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Only the operator's channels and this client's.", valueName: "ID"))
    var client: String?

    func run() async throws {
        let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: true)
        guard let configuration = session.configuration else { throw ExitCode(ExitStatus.invalidInput) }
        if let client, configuration.client(client) == nil {
            printError(
                "vigil alerts test: no client \"\(client.escapingControlCharacters())\" in \(global.configPath) (clients: \(configuration.clients.map(\.id).joined(separator: ", ")))"
            )
            throw ExitCode(ExitStatus.invalidInput)
        }
        let http = HTTPTransport(concurrency: 2, name: "vigil-alert-http")
        let mail = MailTransport()
        let channels = AlertChannels(configuration: configuration, http: http, mail: mail)
        let clients = client.map { [$0] } ?? configuration.clients.map(\.id)
        var selected: [any AlertChannel] = channels.channels(for: nil)
        for id in clients {
            for channel in channels.channels(for: id) where !selected.contains(where: { $0.id == channel.id }) {
                selected.append(channel)
            }
        }
        guard !selected.isEmpty else {
            printError(
                "vigil alerts test: no alert channel is configured\(client.map { " for client \($0) or the operator" } ?? ""): add alerts.webhooks[], or alerts.smtp with alerts.email_to[] (or clients[].alerts) to \(global.configPath)"
            )
            throw ExitCode(ExitStatus.invalidInput)
        }
        let alert = AlertFactory.test(clientID: client, time: Date())
        let context = AlertContext(
            clientName: client.flatMap { configuration.client($0)?.name }, operatorName: configuration.billing.seller.name)
        print("test alert \(alert.id)")
        var states: [AlertDeliveryState] = []
        var failures = 0
        for channel in selected {
            let started = Date()
            let result = await channel.deliver(alert, evidence: nil, context: context)
            let now = Date()
            let milliseconds = Int((now.timeIntervalSince(started) * 1000).rounded())
            var state = AlertDeliveryState(channel: channel.id, attempts: 1, nextAttemptAt: now, lastAttemptAt: now)
            let line: String
            switch result {
            case .delivered(let status):
                state.deliveredAt = now
                state.lastStatus = status
                line = "delivered\(status.map { " (\($0))" } ?? "")"
            case .retry(let reason, let status, _):
                failures += 1
                state.failedAt = now
                state.lastStatus = status
                state.lastError = session.redactor.redact(reason)
                line = "FAILED, would be retried: \(session.redactor.redact(reason))"
            case .failed(let reason, let status):
                failures += 1
                state.failedAt = now
                state.lastStatus = status
                state.lastError = session.redactor.redact(reason)
                line = "FAILED permanently: \(session.redactor.redact(reason))"
            }
            states.append(state)
            print("  \(channel.label.escapingControlCharacters()): \(line.escapingControlCharacters()) in \(milliseconds) ms")
        }
        let outbox = AlertOutbox(
            spoolDirectory: configuration.database.spoolDirectory, node: ProcessInfo.processInfo.hostName, client: session.client,
            logger: .init(label: "vigil"))
        do {
            try await outbox.store(alert, deliveries: states)
        } catch {
            print("(not recorded in the outbox: \(session.redactor.redact("\(error)").escapingControlCharacters()))")
        }
        print("\(selected.count - failures) of \(selected.count) channel\(selected.count == 1 ? "" : "s") took the test alert")
        if failures > 0 { throw ExitCode(ExitStatus.failure) }
    }
}
