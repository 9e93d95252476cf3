package import VigilCore

/// A PostgreSQL connection kept on a thread of its own, reconnected when lost.
///
/// Every libpq call happens on that thread, never on Swift's cooperative pool. Operations run one
/// at a time in the order they were asked for. A lost connection is dropped, and the next
/// operation connects again (the operation that saw the loss fails with `.connectionLost`).
package final class DatabaseClient: Sendable {
    /// The keeper, touched only on `worker`'s thread.
    private final class Slot: @unchecked Sendable {
        let keeper: ConnectionKeeper
        init(_ keeper: ConnectionKeeper) { self.keeper = keeper }
    }

    private let worker: WorkerPool
    private let slot: Slot

    /// A client for `connectionString` (a URL, keyword string, or "" for `PG*` variables). Does not
    /// connect until the first operation.
    package init(connectionString: String, redactor: SecretRedactor = SecretRedactor(), applicationName: String = "vigil") {
        slot = Slot(ConnectionKeeper(connectionString: connectionString, redactor: redactor, applicationName: applicationName))
        worker = WorkerPool(name: "vigil-postgres")
    }

    deinit {
        worker.shutdown()
    }

    /// Runs `body` with a healthy connection on the database thread.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let slot = self.slot
        return try await worker.run { _ in try slot.keeper.withConnection(body) }
    }

    /// Connects if needed and returns the server version (`15.18`).
    package func serverVersion() async throws -> String {
        try await withConnection { connection in
            let number = connection.serverVersion
            return "\(number / 10000).\(number % 10000)"
        }
    }

    /// Closes the connection; the next operation opens a new one.
    package func disconnect() async {
        let slot = self.slot
        _ = try? await worker.run { _ in slot.keeper.disconnect() }
    }
}
