import Foundation
import Testing
import VigilTestSupport

@testable import VigilStore

/// ``DatabaseClient`` with several connections runs operations at once, each whole on one
/// connection; with one, in order.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"))
struct DatabaseClientTests {
    /// An operation that waits in SQL, up to `tenths` tenths of a second, for the row only a later
    /// operation writes; whether it saw it.
    static func waitForSignal(_ client: DatabaseClient, tenths: Int) async throws -> Bool {
        try await client.withConnection { connection in
            try connection.query(
                """
                DO $$ BEGIN
                  FOR i IN 1..\(tenths) LOOP
                    EXIT WHEN EXISTS (SELECT 1 FROM signal);
                    PERFORM pg_sleep(0.1);
                  END LOOP;
                END $$
                """)
            return try connection.query("SELECT count(*) AS n FROM signal").first?.int("n") == 1
        }
    }

    /// Returns once the waiter's operation is on the client (running or queued), so the writer
    /// is asked for after it: an event in this process, whatever the machine's load.
    static func waiterIsQueued(_ client: DatabaseClient) async throws {
        for _ in 0..<6000 {
            if client.busy >= 1 { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("the waiting operation never reached the client")
    }

    /// A request waiting on a slow report does not hold up the next one: with two connections the
    /// writer is answered while the waiter still waits, and the waiter sees its row.
    @Test func aSecondConnectionAnswersWhileTheFirstIsBusy() async throws {
        let database = try await TestDatabase.create()
        try await database.psql("CREATE TABLE signal (id integer)")
        let client = DatabaseClient(connectionString: database.url, connections: 2)
        #expect(client.connections == 2)
        // Up to 120 s: a bound for a pool that would not run the writer, not a speed.
        let waiter = Task { try await Self.waitForSignal(client, tenths: 1200) }
        try await Self.waiterIsQueued(client)
        _ = try await client.withConnection { connection in try connection.query("INSERT INTO signal VALUES (1)").rows.count }
        #expect(try await waiter.value)
    }

    /// With one connection the writer waits for the waiter to give up: operations run in order.
    @Test func oneConnectionRunsOperationsInOrder() async throws {
        let database = try await TestDatabase.create()
        try await database.psql("CREATE TABLE signal (id integer)")
        let client = DatabaseClient(connectionString: database.url)
        let waiter = Task { try await Self.waitForSignal(client, tenths: 20) }
        try await Self.waiterIsQueued(client)
        _ = try await client.withConnection { connection in try connection.query("INSERT INTO signal VALUES (1)").rows.count }
        #expect(try await waiter.value == false)
        #expect(try await database.psql("SELECT count(*) FROM signal") == "1")
    }

    /// Settings reach every connection's session: the first connection waits in SQL until the
    /// second (opened meanwhile) has answered, and each says its `work_mem`; without settings, the
    /// server's default stays.
    @Test func settingsApplyToEverySession() async throws {
        let database = try await TestDatabase.create()
        try await database.psql("CREATE TABLE signal (id integer)")
        let tuned = DatabaseClient(connectionString: database.url, connections: 2, settings: ["work_mem": "32MB"])
        let first = Task {
            try await tuned.withConnection { connection in
                _ = try connection.query(
                    "DO $$ BEGIN FOR i IN 1..1200 LOOP EXIT WHEN EXISTS (SELECT 1 FROM signal); PERFORM pg_sleep(0.1); END LOOP; END $$")
                return try connection.query("SELECT current_setting('work_mem') AS memory").first?.string("memory")
            }
        }
        try await Self.waiterIsQueued(tuned)
        let second = try await tuned.withConnection { connection in
            _ = try connection.query("INSERT INTO signal VALUES (1)")
            return try connection.query("SELECT current_setting('work_mem') AS memory").first?.string("memory")
        }
        #expect(second == "32MB")
        #expect(try await first.value == "32MB")
        let plain = try await DatabaseClient(connectionString: database.url).withConnection { connection in
            try connection.query("SELECT current_setting('work_mem') AS memory").first?.string("memory")
        }
        #expect(plain != "32MB")
    }
}
