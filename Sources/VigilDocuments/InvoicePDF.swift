package import VigilBilling
import VigilCore

/// An invoice or credit note as A4 PDF (the client's document; the operator's view has no PDF),
/// rendered on a thread of its own: cairo and pango are blocking C calls, never run on Swift's
/// cooperative pool. `vigil invoice --format pdf` and the console both render through here.
package enum InvoicePDF {
    /// The rendering thread, one for the process: documents are rendered one at a time, and many
    /// downloads at once queue here rather than each starting a thread.
    private static let workers = WorkerPool(name: "vigil-pdf", threads: 1)

    package static func render(_ invoice: Invoice) async throws -> [UInt8] {
        let document = InvoicePrintout.document(for: invoice)
        return try await workers.run { _ in try PDFRenderer().render(document) }
    }
}
