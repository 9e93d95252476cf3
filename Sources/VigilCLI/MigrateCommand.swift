import ArgumentParser
import Foundation
import VigilCore
import VigilStore

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
        let session = try DatabaseSession.open(global: global, database: database, needsConfiguration: false)
        let migrator = Migrator(client: session.client)
        do {
            if status {
                let report = try await migrator.status()
                for applied in report.applied {
                    var line = "applied  \(applied.file)"
                    if let date = applied.appliedAt { line += "  \(date.formatted(.iso8601))" }
                    if !applied.known { line += "  (unknown to this vigil: upgrade vigil)" }
                    if !applied.checksumMatches { line += "  (CHANGED since it was applied)" }
                    print(line)
                }
                for pending in report.pending { print("pending  \(pending.file)") }
                print(report.isCurrent ? "schema is current" : "\(report.pending.count) pending; run: vigil migrate")
                if !report.applied.allSatisfy({ $0.checksumMatches && $0.known }) { throw ExitCode(ExitStatus.failure) }
                return
            }
            let applied = try await migrator.migrate { step in print(step) }
            print(
                applied.isEmpty
                    ? "schema is current; nothing to apply" : "applied \(applied.count) migration\(applied.count == 1 ? "" : "s")")
        } catch let error as PostgresError {
            printError("vigil migrate: \(error)")
            throw ExitCode(error.isConnectionProblem ? ExitStatus.unavailable : ExitStatus.failure)
        } catch let error as MigrationError {
            printError("vigil migrate: \(error)")
            throw ExitCode(ExitStatus.failure)
        }
    }
}
