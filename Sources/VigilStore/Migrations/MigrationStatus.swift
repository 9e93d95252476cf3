package import Foundation

/// Which migrations a database has and which it lacks.
package struct MigrationStatus: Sendable {
    /// A migration recorded in `schema_migrations`.
    package struct Applied: Sendable {
        package var version: Int
        package var file: String
        package var appliedAt: Date?
        /// False when the file built into this binary differs from what was applied.
        package var checksumMatches: Bool
        /// False when this binary has no migration of that number (the database is newer).
        package var known: Bool
    }

    package var applied: [Applied]
    package var pending: [Migration]

    /// Whether the schema is exactly what this binary expects.
    package var isCurrent: Bool { pending.isEmpty && applied.allSatisfy { $0.checksumMatches && $0.known } }
}
