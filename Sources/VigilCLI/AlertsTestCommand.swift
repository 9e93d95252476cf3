import ArgumentParser

/// `vigil alerts test`: a placeholder until the alert sender is in place.
struct AlertsTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a test alert through every configured channel."
    )

    @Option(help: ArgumentHelp("Only this client's channels.", valueName: "ID"))
    var client: String?

    func run() async throws {
        printError("vigil alerts test: not implemented yet")
        throw ExitCode(ExitStatus.unavailable)
    }
}
