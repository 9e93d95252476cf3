import ArgumentParser
import Foundation
import VigilCore
import VigilStore

/// What a reporting subcommand needs: the configuration (when there is one), a database client,
/// and exits that mean something when the database is not there.
struct DatabaseSession {
    let configuration: VigilConfiguration?
    let client: DatabaseClient
    let redactor: SecretRedactor

    /// Opens a session; the configuration is required when `needsConfiguration`.
    ///
    /// - Parameter connections: how many connections the client keeps, given the configuration
    ///   (one for a command; `vigil serve` more).
    /// - Parameter settings: server settings for the sessions (`work_mem`).
    static func open(
        global: GlobalOptions, database: DatabaseOptions, needsConfiguration: Bool,
        connections: (VigilConfiguration?) -> Int = { _ in 1 }, settings: [String: String] = [:]
    ) throws -> DatabaseSession {
        // A database named by flag or environment needs no configuration file, unless the command does.
        let configuration =
            needsConfiguration
            ? try global.loadConfiguration()
            : database.isGivenDirectly ? nil : try global.loadConfigurationIfPresent()
        let connection = database.connection(configuration: configuration)
        let secrets = (configuration?.secrets ?? []) + connection.secrets
        _ = global.bootstrapLogging(secrets: secrets)
        let redactor = SecretRedactor(secrets: secrets)
        return DatabaseSession(
            configuration: configuration,
            client: DatabaseClient(
                connectionString: connection.string, redactor: redactor, connections: connections(configuration), settings: settings),
            redactor: redactor)
    }

    /// Runs `body`, turning database errors into a message and exit code 69 (unreachable) or 1.
    func run<T>(_ command: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresError {
            printError("vigil \(command): \(redactor.redact("\(error)"))")
            if error.sqlState == "42P01" || error.sqlState == "42703" || error.sqlState == "42883" {
                printError("the database schema is not current: run vigil migrate")
            }
            throw ExitCode(error.isConnectionProblem ? ExitStatus.unavailable : ExitStatus.failure)
        }
    }
}

/// Writes a document to a file or standard output.
func emit(_ text: String, to output: String?) throws {
    guard let output else {
        FileHandleOutput.standardOutput.write(text)
        return
    }
    guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
        printError("vigil: cannot write \(output)")
        throw ExitCode(ExitStatus.failure)
    }
}
