/// One column of a ``DocumentTable``: its header, how its cells are aligned, and its share of the width.
package struct DocumentColumn: Sendable, Equatable {
    /// The header, printed bold on the table's first row on every page it continues to; wraps once,
    /// then ends in an ellipsis.
    package var title: String
    /// Where text sits in its cells and header: `.trailing` for amounts and quantities.
    package var alignment: ColumnAlignment
    /// The column's share of the table's width, relative to the other columns' (default 1): columns of
    /// weights 4, 1, 1.5 get 4/6.5, 1/6.5 and 1.5/6.5 of the text width (510 pt on A4). A weight that
    /// is not a positive number counts as 1.
    package var weight: Double
    /// How many lines a cell's text may take (default 4, at most 20): longer text wraps at word
    /// boundaries (inside a word when it must) and its last line ends in an ellipsis. Keep amount
    /// columns wide enough for their longest amount on one line.
    package var maximumLines: Int

    package init(_ title: String, alignment: ColumnAlignment = .leading, weight: Double = 1, maximumLines: Int = 4) {
        self.title = title
        self.alignment = alignment
        self.weight = weight
        self.maximumLines = maximumLines
    }
}
