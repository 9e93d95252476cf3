import ArgumentParser

/// `vigil migrate`: brings the database schema up to date.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations, or list them with --status.",
        discussion: """
        Applies each pending migration in order, each in its own transaction, and prints each step. \
        Safe to run twice at once (an advisory lock serialises runs). Upgrades a predecessor system's \
        database in place. The migrations are built into the binary.

        Examples:
          vigil migrate --config /etc/vigil/config.json
          vigil migrate --database-url postgresql://vigil@db.internal/vigil --status
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions

    @Flag(help: "List applied and pending migrations without changing anything.")
    var status = false

    func run() async throws {
        try notAvailableYet("vigil migrate")
    }
}
