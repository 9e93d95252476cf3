/// A failed database operation: what kind, PostgreSQL's SQLSTATE when it gave one, and its message.
///
/// The message has passed through a ``SecretRedactor``: connection passwords never appear in it.
package struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    package enum Kind: Sendable, Equatable {
        /// The server could not be reached or refused the connection.
        case connection
        /// The connection was lost during or before the operation; a retry on a new one may work.
        case connectionLost
        /// The server rejected a statement.
        case query
    }

    package var kind: Kind
    /// The five-character SQLSTATE (`23505`, `42P01`, ...), when the server sent one.
    package var sqlState: String?
    /// The server's or libpq's message, redacted, without a trailing newline.
    package var message: String
    /// What the caller was doing (`applying 0002_usage_ledger.sql`), when it said.
    package var context: String?

    package init(kind: Kind, sqlState: String? = nil, message: String, context: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.context = context
    }

    /// Whether the database was unreachable or the connection broke, rather than a statement failing.
    package var isConnectionProblem: Bool {
        kind != .query || sqlState.map { $0.hasPrefix("08") || $0 == "57P01" || $0 == "57P02" || $0 == "57P03" } == true
    }

    /// Whether connecting failed for a reason waiting will not mend: the server refused the
    /// credentials, the role or the database does not exist, or `pg_hba.conf` has no entry for this
    /// client (SQLSTATE 28xxx or 3D000; libpq gives a failed connection's reason as text only).
    package var isRefusedConnection: Bool {
        guard kind == .connection else { return false }
        if let sqlState, sqlState.hasPrefix("28") || sqlState == "3D000" { return true }
        return ["authentication failed", "does not exist", "no pg_hba.conf entry"].contains { message.contains($0) }
    }

    /// Whether the statement failed on the values it was given (SQLSTATE class 22, data exception,
    /// or 23, integrity constraint violation): retrying the same values will fail the same way.
    /// Never a connection problem.
    package var isDataProblem: Bool {
        kind == .query && sqlState.map { $0.hasPrefix("22") || $0.hasPrefix("23") } == true
    }

    /// The same error, saying what the caller was doing.
    package func with(context: String) -> PostgresError {
        var copy = self
        copy.context = context
        return copy
    }

    package var description: String {
        var text = context.map { "\($0): " } ?? ""
        switch kind {
        case .connection: text += "cannot connect to PostgreSQL: "
        case .connectionLost: text += "lost the PostgreSQL connection: "
        case .query: break
        }
        if let sqlState { text += "SQLSTATE \(sqlState): " }
        return text + message
    }
}
