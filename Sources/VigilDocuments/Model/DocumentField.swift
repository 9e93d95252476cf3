/// A label and its value on one row of a document's metadata: "Issue date" and "2026-11-01".
package struct DocumentField: Sendable, Equatable {
    /// Printed grey, on the left.
    package var label: String
    /// Printed right-aligned; wraps once, then ends in an ellipsis.
    package var value: String

    package init(label: String, value: String) {
        self.label = label
        self.value = value
    }
}
