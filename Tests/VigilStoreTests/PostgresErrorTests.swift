import Testing

@testable import VigilStore

/// Which failures to connect are outages (wait and retry) and which are refusals (fix the URL).
struct PostgresErrorTests {
    @Test(arguments: [
        "FATAL:  password authentication failed for user \"vigil\"", "FATAL:  database \"nope\" does not exist",
        "FATAL:  role \"nobody\" does not exist", "FATAL:  no pg_hba.conf entry for host \"10.0.0.1\", user \"vigil\"",
    ])
    func refusalsAreNotOutages(message: String) {
        let error = PostgresError(kind: .connection, message: message)
        #expect(error.isRefusedConnection && error.isConnectionProblem)
    }

    @Test func outagesAreNotRefusals() {
        let refused = PostgresError(
            kind: .connection, message: "connection to server at \"127.0.0.1\", port 1 failed: Connection refused")
        #expect(!refused.isRefusedConnection && refused.isConnectionProblem)
        #expect(!PostgresError(kind: .connectionLost, message: "server closed the connection unexpectedly").isRefusedConnection)
        // A statement about a missing table is no connection at all.
        #expect(!PostgresError(kind: .query, sqlState: "42P01", message: "relation \"x\" does not exist").isRefusedConnection)
        #expect(PostgresError(kind: .connection, sqlState: "28P01", message: "").isRefusedConnection)
    }
}
