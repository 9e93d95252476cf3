/// Who bills: the operator's business as printed on every invoice and credit note
/// (`billing.seller`).
package struct SellerConfiguration: Sendable, Equatable {
    package var name: String?
    package var address: [String]
    package var vatID: String?
    package var companyID: String?
    package var email: String?
    package var phone: String?
    /// Bank details and how to pay, free text, printed in the footer.
    package var paymentInstructions: String?

    package init(
        name: String? = nil, address: [String] = [], vatID: String? = nil, companyID: String? = nil, email: String? = nil,
        phone: String? = nil, paymentInstructions: String? = nil
    ) {
        self.name = name
        self.address = address
        self.vatID = vatID
        self.companyID = companyID
        self.email = email
        self.phone = phone
        self.paymentInstructions = paymentInstructions
    }

    /// What an issued invoice would lack: `name`, `address`, `vat_id` (for `vigil check`'s warning).
    package var missingForInvoices: [String] {
        var missing: [String] = []
        if name == nil { missing.append("name") }
        if address.isEmpty { missing.append("address") }
        if vatID == nil { missing.append("vat_id") }
        return missing
    }

    static let keys = ["name", "address", "vat_id", "company_id", "email", "phone", "payment_instructions"]

    static func read(_ object: ConfigurationObject?) -> SellerConfiguration {
        guard let object else { return SellerConfiguration() }
        return SellerConfiguration(
            name: object.string("name"), address: object.strings("address") ?? [], vatID: object.string("vat_id"),
            companyID: object.string("company_id"), email: object.string("email"), phone: object.string("phone"),
            paymentInstructions: object.string("payment_instructions"))
    }
}
