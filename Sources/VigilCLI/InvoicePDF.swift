import Foundation
import VigilBilling
import VigilCore
import VigilDocuments

/// Writes an invoice as PDF (the client's document; the operator's view has no PDF), rendering on
/// a thread of its own: cairo and pango are blocking C calls.
enum InvoicePDF {
    static func write(_ invoice: Invoice, to path: String) async throws {
        let document = InvoicePrintout.document(for: invoice)
        let workers = WorkerPool(name: "vigil-pdf", threads: 1)
        defer { workers.shutdown() }
        let bytes = try await workers.run { _ in try PDFRenderer().render(document) }
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
