import VigilBilling
import VigilCore
import VigilDocuments

/// An invoice or credit note as A4 PDF (the client's document, as `vigil invoice --format pdf`
/// writes it), rendered on a thread of its own: cairo and pango are blocking C calls.
enum ConsolePDF {
    static func render(_ invoice: Invoice) async throws -> [UInt8] {
        let document = InvoicePrintout.document(for: invoice)
        let workers = WorkerPool(name: "vigil-console-pdf", threads: 1)
        defer { workers.shutdown() }
        return try await workers.run { _ in try PDFRenderer().render(document) }
    }
}
