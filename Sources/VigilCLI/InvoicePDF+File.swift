import Foundation
import VigilBilling
import VigilDocuments

extension InvoicePDF {
    /// Writes `invoice` as PDF to `path` (atomically).
    static func write(_ invoice: Invoice, to path: String) async throws {
        let bytes = try await render(invoice)
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
