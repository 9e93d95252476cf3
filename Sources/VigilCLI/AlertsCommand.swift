import ArgumentParser

/// `vigil alerts`: the alert outbox, and a test of the channels.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List alerts and their deliveries, or send a test alert.",
        discussion: """
            Every alert (incident, camera offline or back, budget crossed, test) is written to the outbox \
            with one delivery per channel, then delivered and retried until it is delivered or fails for \
            good. `list` shows the alerts of the last days with each channel's state; --pending shows \
            every alert, however old, that still has a delivery to make.

            Examples:
              vigil alerts list --days 1
              vigil alerts list --pending --format json
              vigil alerts test --client acme
            """,
        subcommands: [AlertsListCommand.self, AlertsTestCommand.self]
    )
}
