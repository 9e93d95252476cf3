package import VigilBilling
import VigilCore

/// An invoice or credit note laid out for print: the client's document (a line per camera, camera
/// fees, subtotal, VAT, total; never the provider cost or the markup) as a ``PrintedDocument``.
package enum InvoicePrintout {
    package static func document(for invoice: Invoice) -> PrintedDocument {
        let isCredit = invoice.kind == "credit_note"
        let seller = invoice.seller ?? InvoiceParty(name: "(seller not configured)")
        let buyer = invoice.buyer ?? InvoiceParty(name: invoice.clientName, email: invoice.clientEmail)
        func party(_ party: InvoiceParty) -> DocumentParty {
            DocumentParty(
                name: party.name, addressLines: party.address, vatID: party.vatID, companyID: party.companyID, email: party.email,
                phone: party.phone)
        }
        func amount(_ money: Money) -> String { money.formatted(fractionDigits: invoice.fractionDigits) }
        let rows = ClientInvoiceDocument.lines(invoice).map { line in
            [line.description, "\(line.quantity)", line.unitPrice.map(amount) ?? "", amount(line.amount)]
        }
        var notes: [String] = []
        if let problem = invoice.rateProblem { notes.append(problem) }
        var footer: [String] = []
        footer.append(
            [seller.name, seller.address.joined(separator: ", "), seller.vatID.map { "VAT \($0)" }, seller.companyID]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · "))
        if let instructions = seller.paymentInstructions, !isCredit { footer.append("Payment: \(instructions)") }
        return PrintedDocument(
            title: isCredit ? "Credit note" : "Invoice", number: invoice.number, draft: invoice.number == nil, seller: party(seller),
            buyer: party(buyer),
            metadata: ClientInvoiceDocument.facts(invoice).filter { $0.0 != "Number" }.map { DocumentField(label: $0.0, value: $0.1) },
            table: DocumentTable(
                columns: [
                    DocumentColumn("Item", weight: 5), DocumentColumn("Quantity", alignment: .trailing, weight: 1.3),
                    DocumentColumn("Unit price", alignment: .trailing, weight: 1.5),
                    DocumentColumn("Amount (\(invoice.currency))", alignment: .trailing, weight: 1.8),
                ], rows: rows),
            totals: [
                DocumentTotal(label: "Subtotal", amount: amount(invoice.subtotal)),
                DocumentTotal(label: "VAT \(invoice.vatPercent)%", amount: amount(invoice.vat)),
                DocumentTotal(label: "Total \(invoice.currency)", amount: amount(invoice.total)),
            ], notes: notes, footer: footer)
    }
}
