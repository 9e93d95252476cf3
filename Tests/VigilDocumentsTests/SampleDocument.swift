import VigilDocuments

/// Documents the tests render: an invoice as the billing code would describe one.
enum SampleDocument {
    static let columns = [
        DocumentColumn("Description", weight: 4.2), DocumentColumn("Qty", alignment: .trailing, weight: 0.8),
        DocumentColumn("Unit price", alignment: .trailing, weight: 1.2), DocumentColumn("Amount", alignment: .trailing, weight: 1.3),
    ]

    /// Row `index` (from 1): a description that names it uniquely ("Row 007"), a quantity, a unit price and an amount.
    static func row(_ index: Int) -> [String] {
        let number = String(index).count < 3 ? String(repeating: "0", count: 3 - String(index).count) + String(index) : String(index)
        return ["Row \(number) Gemini calls, camera group yard-\(index)", "\(index)", "0.0100", "\(index).\(number.suffix(2))"]
    }

    /// An invoice with `rows` table rows.
    static func invoice(rows: Int = 3, draft: Bool = false, buyerName: String = "Acme Garages Ltd", notes: [String]? = nil)
        -> PrintedDocument
    {
        PrintedDocument(
            title: "Invoice", number: draft ? nil : "2026-0042", draft: draft,
            seller: DocumentParty(
                name: "Vigil Monitoring SARL", addressLines: ["12 rue des Caméras", "75011 Paris", "France"], vatID: "FR12345678901",
                companyID: "RCS Paris 123 456 789", email: "billing@vigil.example", phone: "+33 1 23 45 67 89"),
            buyer: DocumentParty(name: buyerName, addressLines: ["Unit 4, Canal Road", "Leeds LS12 2PL"], vatID: "GB123456789"),
            metadata: [
                DocumentField(label: "Issue date", value: "2026-11-01"), DocumentField(label: "Due date", value: "2026-11-30"),
                DocumentField(label: "Period", value: "October 2026"), DocumentField(label: "Currency", value: "EUR"),
                DocumentField(label: "Exchange rate", value: "1 USD = 0.9214 EUR"),
            ],
            table: DocumentTable(columns: columns, rows: (0..<rows).map { row($0 + 1) }),
            totals: [
                DocumentTotal(label: "Subtotal", amount: "EUR 1,830.00"), DocumentTotal(label: "VAT 20 %", amount: "EUR 366.00"),
                DocumentTotal(label: "Total due", amount: "EUR 2,196.00"),
            ],
            notes: notes ?? ["Thank you for your business. Calls of unknown outcome are not billed."],
            footer: [
                "Vigil Monitoring SARL · 12 rue des Caméras, 75011 Paris · VAT FR12345678901",
                "Pay by transfer to IBAN FR76 3000 6000 0112 3456 7890 189 (BIC AGRIFRPP) within 30 days, quoting the invoice number.",
            ])
    }
}
