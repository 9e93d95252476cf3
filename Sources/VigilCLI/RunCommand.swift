import ArgumentParser

/// `vigil run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the monitoring daemon (what the systemd service starts).",
        discussion: """
        Opens every configured camera, samples each group of four (tiled 2x2) and each ungrouped camera \
        every analysis.interval_seconds, asks Gemini for a verdict, and records one api_usage row per \
        call. Serves /metrics, /healthz and /readyz on http.listen. SIGTERM or SIGINT stop it cleanly; \
        SIGHUP reloads the configuration.

        Example:
          vigil run --config /etc/vigil/config.json
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Apply pending database migrations before starting instead of refusing to start.")
    var migrate = false

    func run() async throws {
        _ = try global.loadConfiguration()
        try notAvailableYet("vigil run")
    }
}
