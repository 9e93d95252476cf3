/// One numbered SQL migration (`migrations/0002_usage_ledger.sql`).
public struct Migration: Sendable, Equatable {
    /// The number the file starts with; migrations apply in this order.
    public var version: Int
    /// The file name, used in every message about it.
    public var file: String
    /// The SQL, run as one script inside the migration's transaction.
    public var sql: String

    public init(version: Int, file: String, sql: String) {
        self.version = version
        self.file = file
        self.sql = sql
    }

    /// Every migration built into this binary.
    public static var builtIn: [Migration] { EmbeddedMigrations.all }
}
