import VigilCore

/// Keeps one connection open on the thread that owns it, opening a new one after a loss.
///
/// Not thread-safe: one keeper per thread (``DatabaseClient``'s, or the ledger writer's).
final class ConnectionKeeper {
    private var connection: PostgresConnection?
    private let connectionString: String
    private let redactor: SecretRedactor
    private let applicationName: String
    private let settings: [String: String]

    init(connectionString: String, redactor: SecretRedactor, applicationName: String, settings: [String: String] = [:]) {
        self.connectionString = connectionString
        self.settings = settings
        var redactor = redactor
        if let password = DatabasePassword.extract(from: connectionString) { redactor.add(password) }
        self.redactor = redactor
        self.applicationName = applicationName
    }

    /// Runs `body` with a healthy connection; a connection problem drops the connection and rethrows.
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        if let existing = connection, !existing.isHealthy { connection = nil }
        let current: PostgresConnection
        if let existing = connection {
            current = existing
        } else {
            current = try PostgresConnection(
                connectionString: connectionString, redactor: redactor, applicationName: applicationName, settings: settings)
            connection = current
        }
        do {
            return try body(current)
        } catch let error as PostgresError where error.isConnectionProblem {
            connection = nil
            throw error
        }
    }

    /// Closes the connection.
    func disconnect() { connection = nil }
}
