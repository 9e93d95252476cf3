import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilStore

@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs PostgreSQL: run ./scripts/test"))
struct MigrationTests {
    func vigil(_ arguments: [String]) async throws -> ProcessOutput {
        try await ProcessRunner.run(TestEnvironment.vigilExecutable, arguments, environment: ["VIGIL_CONFIG": "/nonexistent/none.json"])
    }

    @Test func freshDatabaseIsCreatedOnceAndStatusIsRight() async throws {
        let database = try await TestDatabase.create()
        let before = try await vigil(["migrate", "--database-url", database.url, "--status"])
        #expect(before.standardOutput.contains("pending  0001_base_tables.sql"))
        #expect(before.standardOutput.contains("pending; run: vigil migrate"))

        let first = try await vigil(["migrate", "--database-url", database.url])
        #expect(first.status == 0, "\(first.standardError)")
        for migration in Migration.builtIn {
            #expect(first.standardOutput.contains("applied \(migration.file)"))
        }
        let tables = try await database.psql(
            "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public'")
        for table in [
            "analyses", "api_keys", "api_usage", "camera_groups", "cameras", "clients", "model_prices", "schema_migrations",
            "stream_sessions",
        ] {
            #expect(tables.split(separator: ",").contains(Substring(table)), "missing \(table) in \(tables)")
        }

        let second = try await vigil(["migrate", "--database-url", database.url])
        #expect(second.status == 0)
        #expect(second.standardOutput.contains("nothing to apply"))
        #expect(try await database.psql("SELECT count(*) FROM schema_migrations") == "\(Migration.builtIn.count)")

        let after = try await vigil(["migrate", "--database-url", database.url, "--status"])
        #expect(after.standardOutput.contains("schema is current"))
        #expect(!after.standardOutput.contains("pending "))
    }

    @Test func clientsAndInvoicesTheLedgerReferencesCannotBeRemoved() async throws {
        let database = try await TestDatabase.create()
        try await Migrator(client: DatabaseClient(connectionString: database.url)).migrate()
        try await database.psql("INSERT INTO clients (code, name) VALUES ('acme', 'Acme')")
        for statement in [
            "DELETE FROM clients", "UPDATE clients SET id = id + 100", "TRUNCATE clients CASCADE", "TRUNCATE invoices CASCADE",
        ] {
            await #expect(throws: (any Error).self, "\(statement)") { try await database.psql(statement) }
        }
        #expect(try await database.psql("SELECT count(*) FROM clients") == "1")
        try await database.psql("UPDATE clients SET name = 'Acme Ltd'")  // other columns stay editable
    }

    @Test func twoConcurrentRunsBothSucceedAndApplyEachMigrationOnce() async throws {
        let database = try await TestDatabase.create()
        let url = database.url
        async let first = ProcessRunner.run(TestEnvironment.vigilExecutable, ["migrate", "--database-url", url])
        async let second = ProcessRunner.run(TestEnvironment.vigilExecutable, ["migrate", "--database-url", url])
        let results = try await [first, second]
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.standardError))")
        let appliedLines = results.map { $0.standardOutput.components(separatedBy: "\n").filter { $0.hasPrefix("applied 0") }.count }
        #expect(appliedLines.reduce(0, +) == Migration.builtIn.count)
        #expect(
            try await database.psql("SELECT count(*), count(DISTINCT version) FROM schema_migrations")
                == "\(Migration.builtIn.count)|\(Migration.builtIn.count)")
    }

    @Test func aChangedAppliedMigrationIsRefusedByName() async throws {
        let database = try await TestDatabase.create()
        let client = DatabaseClient(connectionString: database.url)
        try await Migrator(client: client).migrate()
        try await database.psql("UPDATE schema_migrations SET checksum = 'x' WHERE version = 2")
        await #expect(throws: MigrationError.self) { try await Migrator(client: client).migrate() }
        let result = try await vigil(["migrate", "--database-url", database.url])
        #expect(result.status != 0)
        #expect(result.standardError.contains("0002_usage_ledger.sql was changed after it was applied"))
    }

    @Test func aFailingMigrationNamesItsFileAndRollsBack() async throws {
        let database = try await TestDatabase.create()
        let broken =
            Migration.builtIn + [
                Migration(version: 999, file: "0999_broken.sql", sql: "CREATE TABLE half_done (id int); SELECT no_such_function();")
            ]
        let client = DatabaseClient(connectionString: database.url)
        do {
            try await Migrator(client: client, migrations: broken).migrate()
            Issue.record("expected a failure")
        } catch let error as MigrationError {
            #expect(error.file == "0999_broken.sql")
            #expect(error.description.contains("no_such_function"))
        }
        #expect(try await database.psql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'half_done'") == "0")
        #expect(try await database.psql("SELECT count(*) FROM schema_migrations") == "\(Migration.builtIn.count)")
    }

    @Test func unreachableDatabaseExits69WithoutThePassword() async throws {
        let port = TestEnvironment.freePort()
        let result = try await vigil(["migrate", "--database-url", "postgresql://vigil:TopSecret99@127.0.0.1:\(port)/vigil"])
        #expect(result.status == 69)
        #expect(result.standardError.contains("cannot connect to PostgreSQL"))
        #expect(!result.standardError.contains("TopSecret99"))
    }
}
