import Foundation
import VigilCore

/// One column of a table the ledger copies into: its name and SQL type in the session's incoming
/// table, how a value encodes it in COPY text, and where it lands in the real table.
///
/// A list of these, in order, is the whole definition of a row: the incoming table's columns, the
/// order of the fields in a spool line (so the order is the spool format and never changes; a new
/// column goes at the end under a new format version), the INSERT list and the SELECT expressions.
struct CopyColumn<Record>: Sendable {
    /// The column's name in the incoming (temporary) table.
    let name: String
    /// Its SQL type there, e.g. `bigint` or `uuid[]`.
    let sqlType: String
    /// The column it is inserted into, or nil when it only feeds an expression.
    let target: String?
    /// The SQL expression inserted, over the incoming columns (by default the column itself).
    let expression: String
    /// Appends this column's field of `record` to a COPY text row.
    let encode: @Sendable (inout CopyTextWriter, Record) -> Void

    /// A column copied into `target` (by default its own name) as `expression` (by default itself).
    init(
        _ name: String, _ sqlType: String, into target: String? = nil, as expression: String? = nil,
        encode: @escaping @Sendable (inout CopyTextWriter, Record) -> Void
    ) {
        self.name = name
        self.sqlType = sqlType
        self.target = target ?? name
        self.expression = expression ?? name
        self.encode = encode
    }
}

extension Array {
    /// `CREATE TEMP TABLE IF NOT EXISTS table (name type, ...) ON COMMIT DELETE ROWS`.
    func createIncoming<Record>(_ table: String) -> String where Element == CopyColumn<Record> {
        "CREATE TEMP TABLE IF NOT EXISTS \(table) (\(map { "\($0.name) \($0.sqlType)" }.joined(separator: ", "))) ON COMMIT DELETE ROWS"
    }

    /// Encodes `record` as one COPY text row, field by field in column order.
    func encode<Record>(_ record: Record, into writer: inout CopyTextWriter) where Element == CopyColumn<Record> {
        for column in self { column.encode(&writer, record) }
        writer.endRow()
    }

    /// The target columns of an INSERT, in order, plus `extra` derived ones.
    func insertList<Record>(extra: [String] = []) -> String where Element == CopyColumn<Record> {
        (compactMap(\.target) + extra).joined(separator: ", ")
    }

    /// The SELECT expressions matching ``insertList(extra:)``.
    func selectList<Record>(extra: [String] = []) -> String where Element == CopyColumn<Record> {
        (filter { $0.target != nil }.map(\.expression) + extra).joined(separator: ", ")
    }
}
