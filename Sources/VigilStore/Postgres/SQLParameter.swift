package import Foundation
package import VigilCore

/// A value that can be bound to a `$n` placeholder, as its PostgreSQL text form.
///
/// Values are only ever sent as bind parameters, never spliced into SQL text.
package protocol SQLParameter: Sendable {
    /// The text form PostgreSQL parses for the placeholder's type; nil is SQL NULL.
    var sqlText: String? { get }
}

extension String: SQLParameter { package var sqlText: String? { self } }
extension Int: SQLParameter { package var sqlText: String? { String(self) } }
extension Int64: SQLParameter { package var sqlText: String? { String(self) } }
extension Bool: SQLParameter { package var sqlText: String? { self ? "true" : "false" } }
extension Money: SQLParameter { package var sqlText: String? { description } }
extension Date: SQLParameter {
    /// Microsecond precision, UTC, ISO 8601.
    package var sqlText: String? { PostgresTimestamp.format(self) }
}
extension Optional: SQLParameter where Wrapped: SQLParameter {
    package var sqlText: String? { self?.sqlText }
}
