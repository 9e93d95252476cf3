/// The table of a document's lines: column headers, then rows of text cells.
///
/// It takes as many pages as it needs: a row that does not fit on a page starts the next one, under
/// the column headers again, and a page never ends on the headers alone. A row is never split.
package struct DocumentTable: Sendable, Equatable {
    /// The columns, left to right. No columns: no table is printed.
    package var columns: [DocumentColumn]
    /// The rows, top to bottom; each has exactly one cell per column (rendering throws otherwise).
    package var rows: [[String]]

    package init(columns: [DocumentColumn], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }
}
