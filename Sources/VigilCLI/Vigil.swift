import ArgumentParser

/// The `vigil` command: the daemon and the tools around it.
@main
struct Vigil: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "AI monitoring of security cameras: RTSP in, Gemini verdicts out, every token billed.",
        discussion: """
            Vigil samples each camera's RTSP stream, tiles groups of four cameras 2x2, asks Google Gemini for \
            a structured verdict, and records one api_usage row per call in PostgreSQL for reports and invoices.

            Configuration: --config FILE, else $VIGIL_CONFIG, else /etc/vigil/config.json.
            Database: --database-url, else $VIGIL_DATABASE_URL, else database.url, else libpq's PG* variables.
            Gemini key: $GEMINI_API_KEY, else the systemd credential gemini_api_key, else gemini.api_key_file.

            Exit codes: 0 success, 1 failure, 64 bad command line, 65 invalid configuration or input, \
            69 a service (database, Gemini, camera) unavailable.
            """,
        version: version,
        subcommands: [
            RunCommand.self, MigrateCommand.self, InvoiceCommand.self, UsageCommand.self, PricesCommand.self,
            InvalidUsageCommand.self, RatesCommand.self, AnalyzeCommand.self, SnapshotCommand.self, CheckCommand.self, EstimateCommand.self,
            IncidentsCommand.self, AlertsCommand.self, ClusterCommand.self, TokensCommand.self, ServeCommand.self,
        ]
    )
}
