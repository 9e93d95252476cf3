/// A CSV file: a header of column names, then rows of ``CSVField``s, each line ended by a line feed.
///
/// Every CSV Vigil writes (invoices, usage reports) is built as one, so every cell goes through
/// ``CSVField/written``.
package struct CSVTable: Sendable, Equatable {
    /// The column names, written as text cells.
    package var header: [String]
    /// The data rows, in order; each has as many fields as ``header`` has names.
    package var rows: [[CSVField]] = []

    package init(header: [String]) {
        self.header = header
    }

    /// Appends one data row.
    package mutating func append(_ row: [CSVField]) {
        rows.append(row)
    }

    /// The file's text: the header line, then one line per row.
    package var written: String {
        ([header.map(CSVField.text)] + rows).map { $0.map(\.written).joined(separator: ",") + "\n" }.joined()
    }
}
