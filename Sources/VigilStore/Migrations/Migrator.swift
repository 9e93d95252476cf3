import Foundation

/// Applies the numbered migrations to a database, once each, in order.
///
/// Each migration runs in its own transaction and is recorded in `schema_migrations` with the
/// SHA-256 of its SQL. A session-level advisory lock serialises concurrent runs: the second waits,
/// then finds nothing left to do. A migration whose applied checksum differs from the built-in file
/// stops everything: someone edited history.
package struct Migrator: Sendable {
    /// The advisory lock key all `vigil migrate` runs share ("vigil" in ASCII).
    static let lockKey = 0x7669_6769_6C

    private let client: DatabaseClient
    private let migrations: [Migration]

    package init(client: DatabaseClient, migrations: [Migration] = Migration.builtIn) {
        self.client = client
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// What is applied and what is pending, without changing anything.
    package func status() async throws -> MigrationStatus {
        let migrations = self.migrations
        return try await client.withConnection { connection in
            try Self.status(connection, migrations)
        }
    }

    /// Applies every pending migration, reporting each step through `progress`.
    ///
    /// - Returns: the migrations applied by this call (empty when already current).
    /// - Throws: ``MigrationError`` naming the failing file, or a changed or unknown applied one.
    @discardableResult
    package func migrate(progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> [Migration] {
        let migrations = self.migrations
        return try await client.withConnection { connection in
            try connection.query("SELECT pg_advisory_lock($1)", [Self.lockKey])
            defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [Self.lockKey]) }
            let status = try Self.status(connection, migrations)
            if let changed = status.applied.first(where: { !$0.checksumMatches }) {
                throw MigrationError(
                    file: changed.file,
                    reason: "was changed after it was applied; restore the original file and add a new migration instead")
            }
            if let unknown = status.applied.first(where: { !$0.known }) {
                throw MigrationError(file: unknown.file, reason: "is applied in the database but unknown to this vigil; upgrade vigil")
            }
            var applied: [Migration] = []
            for migration in status.pending {
                progress("applying \(migration.file)")
                let started = Date()
                do {
                    try connection.transaction { connection in
                        try connection.executeScript(migration.sql)
                        try connection.query(
                            """
                            INSERT INTO schema_migrations (version, file, checksum)
                            VALUES ($1, $2, encode(sha256(convert_to($3, 'UTF8')), 'hex'))
                            """, [migration.version, migration.file, migration.sql])
                    }
                } catch let error as PostgresError {
                    throw MigrationError(file: migration.file, reason: "failed: \(error)")
                }
                progress("applied \(migration.file) in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
                applied.append(migration)
            }
            return applied
        }
    }

    private static func status(_ connection: PostgresConnection, _ migrations: [Migration]) throws -> MigrationStatus {
        try connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                file       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let rows = try connection.query(
            """
            SELECT version, file, checksum, (extract(epoch FROM applied_at) * 1000000)::bigint AS applied_at
            FROM schema_migrations ORDER BY version
            """
        ).rows
        var applied: [MigrationStatus.Applied] = []
        var appliedVersions: Set<Int> = []
        for row in rows {
            let version = row.int("version") ?? 0
            appliedVersions.insert(version)
            let builtIn = migrations.first { $0.version == version }
            var matches = true
            if let builtIn {
                let checksum = try connection.query("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex') AS sum", [builtIn.sql]).first?[
                    "sum"]
                matches = checksum == row["checksum"]
            }
            applied.append(
                MigrationStatus.Applied(
                    version: version, file: row["file"] ?? "", appliedAt: row.date("applied_at"),
                    checksumMatches: matches, known: builtIn != nil))
        }
        return MigrationStatus(applied: applied, pending: migrations.filter { !appliedVersions.contains($0.version) })
    }
}

/// A migration that could not be applied, or a database whose history does not match this binary.
package struct MigrationError: Error, Sendable, CustomStringConvertible {
    /// The migration file concerned (`0002_usage_ledger.sql`).
    package var file: String
    package var reason: String
    package var description: String { "migration \(file) \(reason)" }
}
