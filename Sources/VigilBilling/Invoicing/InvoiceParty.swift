package import VigilCore

/// The seller or the buyer as printed on an invoice, frozen with it when it is issued.
package struct InvoiceParty: Sendable, Equatable, Codable {
    package var name: String
    package var address: [String]
    package var vatID: String?
    package var companyID: String?
    package var email: String?
    package var phone: String?
    /// The seller's payment instructions (bank details); nil for a buyer.
    package var paymentInstructions: String?

    package init(
        name: String, address: [String] = [], vatID: String? = nil, companyID: String? = nil, email: String? = nil,
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

    /// The operator as configured (`billing.seller`); an unnamed seller prints as "(seller not configured)".
    package init(seller: SellerConfiguration) {
        self.init(
            name: seller.name ?? "(seller not configured)", address: seller.address, vatID: seller.vatID, companyID: seller.companyID,
            email: seller.email, phone: seller.phone, paymentInstructions: seller.paymentInstructions)
    }

    /// The client: its legal name when it has one.
    package init(client: ClientConfiguration) {
        self.init(name: client.legalName ?? client.name, address: client.address, vatID: client.vatID, email: client.email)
    }
}
