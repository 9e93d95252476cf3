/// How invoices and credit notes are issued (`billing`): the seller, payment terms and the
/// numbering prefixes.
package struct BillingConfiguration: Sendable, Equatable {
    package var seller: SellerConfiguration
    /// Days from the issue date to the due date. Default 30.
    package var paymentTermsDays: Int
    /// Invoices are numbered `PREFIX-YYYY-NNNNNN`. Default `VIG`.
    package var invoicePrefix: String
    /// Credit notes are numbered `PREFIX-YYYY-NNNNNN` in a series of their own. Default `CN`.
    package var creditNotePrefix: String

    package init(
        seller: SellerConfiguration = SellerConfiguration(), paymentTermsDays: Int = 30, invoicePrefix: String = "VIG",
        creditNotePrefix: String = "CN"
    ) {
        self.seller = seller
        self.paymentTermsDays = paymentTermsDays
        self.invoicePrefix = invoicePrefix
        self.creditNotePrefix = creditNotePrefix
    }

    static let keys = ["seller", "payment_terms_days", "invoice_prefix", "credit_note_prefix"]

    static func read(_ object: ConfigurationObject?) -> BillingConfiguration {
        guard let object else { return BillingConfiguration() }
        var billing = BillingConfiguration(seller: SellerConfiguration.read(object.object("seller", keys: SellerConfiguration.keys)))
        if let days = object.integer("payment_terms_days", in: 0...365) { billing.paymentTermsDays = days }
        for key in ["invoice_prefix", "credit_note_prefix"] {
            guard let prefix = object.string(key) else { continue }
            guard (1...12).contains(prefix.count), prefix.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
                object.reader.report(
                    object.path(key), line: object.line(key), "\"\(prefix)\" is not a number prefix",
                    hint: "1 to 12 capital letters or digits, such as VIG or CN")
                continue
            }
            if key == "invoice_prefix" { billing.invoicePrefix = prefix } else { billing.creditNotePrefix = prefix }
        }
        if billing.invoicePrefix == billing.creditNotePrefix {
            object.reader.report(
                object.path("credit_note_prefix"), line: object.line("credit_note_prefix"), "is the same as invoice_prefix",
                hint: "credit notes have a series of their own: give them another prefix, such as CN")
        }
        return billing
    }
}
