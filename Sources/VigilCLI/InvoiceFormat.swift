import ArgumentParser

/// Formats of invoices and credit notes.
enum InvoiceFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text
    case json
    case csv
    case html
    case pdf

    /// The file extension of a document in this format.
    var fileExtension: String { rawValue == "text" ? "txt" : rawValue }
}
