import Foundation
import Logging
import Testing
import VigilTestSupport

@testable import VigilStore

/// The store's checks that need no PostgreSQL: the migrations built into the binary, and a spool
/// that cannot be made.
@Suite struct StoreFilesTests {
    @Test func embeddedMigrationsMatchTheFiles() throws {
        let directory = TestEnvironment.repositoryRoot + "/migrations"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(Migration.builtIn.map(\.file) == files, "run scripts/embed-migrations")
        for migration in Migration.builtIn {
            let text = try String(contentsOfFile: directory + "/" + migration.file, encoding: .utf8)
            #expect(migration.sql + "\n" == text || migration.sql == text, "\(migration.file) differs: run scripts/embed-migrations")
        }
    }

    @Test func anUnwritableSpoolIsAClearError() throws {
        #expect(throws: SpoolError.self) {
            try UsageLedger(connectionString: "", spoolDirectory: "/proc/vigil-cannot-exist/spool", logger: Logger(label: "test"))
        }
    }
}
