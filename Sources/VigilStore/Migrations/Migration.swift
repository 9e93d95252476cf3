/// One numbered SQL migration (`migrations/0002_usage_ledger.sql`).
package struct Migration: Sendable, Equatable {
    /// The number the file starts with; migrations apply in this order.
    package var version: Int
    /// The file name, used in every message about it.
    package var file: String
    /// The SQL, run as one script inside the migration's transaction.
    package var sql: String

    package init(version: Int, file: String, sql: String) {
        self.version = version
        self.file = file
        self.sql = sql
    }

    /// Every migration built into this binary.
    package static var builtIn: [Migration] { EmbeddedMigrations.all }
}
