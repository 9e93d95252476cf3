public import Foundation
public import VigilCore

/// A value that can be bound to a `$n` placeholder, as its PostgreSQL text form.
///
/// Values are only ever sent as bind parameters, never spliced into SQL text.
public protocol SQLParameter: Sendable {
    /// The text form PostgreSQL parses for the placeholder's type; nil is SQL NULL.
    var sqlText: String? { get }
}

extension String: SQLParameter { public var sqlText: String? { self } }
extension Int: SQLParameter { public var sqlText: String? { String(self) } }
extension Int64: SQLParameter { public var sqlText: String? { String(self) } }
extension Bool: SQLParameter { public var sqlText: String? { self ? "true" : "false" } }
extension Money: SQLParameter { public var sqlText: String? { description } }
extension Date: SQLParameter {
    /// Microsecond precision, UTC, ISO 8601.
    public var sqlText: String? { PostgresTimestamp.format(self) }
}
extension Optional: SQLParameter where Wrapped: SQLParameter {
    public var sqlText: String? { self?.sqlText }
}
