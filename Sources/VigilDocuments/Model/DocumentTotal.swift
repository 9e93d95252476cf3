/// One row of a document's totals: a label and an amount already formatted by the caller
/// ("Total due", "EUR 1,234.50").
package struct DocumentTotal: Sendable, Equatable {
    /// Printed left of the amount; wraps once, then ends in an ellipsis.
    package var label: String
    /// Printed right-aligned, never cut short.
    package var amount: String

    package init(label: String, amount: String) {
        self.label = label
        self.amount = amount
    }
}
