public import Foundation

/// Which migrations a database has and which it lacks.
public struct MigrationStatus: Sendable {
    /// A migration recorded in `schema_migrations`.
    public struct Applied: Sendable {
        public var version: Int
        public var file: String
        public var appliedAt: Date?
        /// False when the file built into this binary differs from what was applied.
        public var checksumMatches: Bool
        /// False when this binary has no migration of that number (the database is newer).
        public var known: Bool
    }

    public var applied: [Applied]
    public var pending: [Migration]

    /// Whether the schema is exactly what this binary expects.
    public var isCurrent: Bool { pending.isEmpty && applied.allSatisfy { $0.checksumMatches && $0.known } }
}
