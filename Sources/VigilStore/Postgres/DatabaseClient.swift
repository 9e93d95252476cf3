package import VigilCore

/// PostgreSQL connections kept on threads of their own (one connection per thread), reconnected
/// when lost.
///
/// Every libpq call happens on those threads, never on Swift's cooperative pool. With one
/// connection (the default) operations run one at a time in the order they were asked for; with
/// more (`vigil serve` answers several browsers at once) up to that many run at once, each on its
/// own connection, started in the order they were asked for. An operation always runs whole on one
/// connection, so a transaction inside it is safe; state that outlives an operation (a session's
/// advisory lock, a temporary table) needs a client of one connection. A lost connection is
/// dropped, and the next operation on its thread connects again (the operation that saw the loss
/// fails with `.connectionLost`).
package final class DatabaseClient: Sendable {
    /// The keepers, one per thread of `worker`; keeper `i` is touched only on thread `i`.
    private final class Slots: @unchecked Sendable {
        let keepers: [ConnectionKeeper]
        init(_ keepers: [ConnectionKeeper]) { self.keepers = keepers }
    }

    private let worker: WorkerPool
    private let slots: Slots
    /// How many connections (and threads) this client keeps at most.
    package let connections: Int

    /// A client for `connectionString` (a URL, keyword string, or "" for `PG*` variables). Does not
    /// connect until the first operation; each connection opens when its thread first needs it.
    ///
    /// - Parameters:
    ///   - connections: connections (and threads) at most, 1 or more; default 1.
    ///   - settings: server settings for every connection's session (`vigil serve` gives reports
    ///     room to aggregate in memory: `work_mem`).
    package init(
        connectionString: String, redactor: SecretRedactor = SecretRedactor(), applicationName: String = "vigil", connections: Int = 1,
        settings: [String: String] = [:]
    ) {
        self.connections = max(1, connections)
        slots = Slots(
            (0..<self.connections).map { _ in
                ConnectionKeeper(
                    connectionString: connectionString, redactor: redactor, applicationName: applicationName, settings: settings)
            })
        worker = WorkerPool(name: "vigil-postgres", threads: self.connections)
    }

    deinit {
        worker.shutdown()
    }

    /// Runs `body` with a healthy connection on one of the database threads.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let slots = self.slots
        return try await worker.run { thread in try slots.keepers[thread].withConnection(body) }
    }

    /// Operations running or waiting for a connection.
    var busy: Int { worker.busy }

    /// Connects if needed and returns the server version (`15.18`).
    package func serverVersion() async throws -> String {
        try await withConnection { connection in
            let number = connection.serverVersion
            return "\(number / 10000).\(number % 10000)"
        }
    }
}
