/// A seller or a buyer as printed on a document: a name, then its details line by line. Empty or nil
/// details are left out.
package struct DocumentParty: Sendable, Equatable {
    /// The legal or trading name, printed bold; wraps once, then ends in an ellipsis.
    package var name: String
    /// The postal address, one printed line each (street, city and postcode, country).
    package var addressLines: [String]
    /// The VAT identification number, after ``DocumentLabels/vatID``.
    package var vatID: String?
    /// The company registration number, after ``DocumentLabels/companyID``.
    package var companyID: String?
    /// After ``DocumentLabels/email``.
    package var email: String?
    /// After ``DocumentLabels/phone``.
    package var phone: String?

    package init(
        name: String, addressLines: [String] = [], vatID: String? = nil, companyID: String? = nil, email: String? = nil,
        phone: String? = nil
    ) {
        self.name = name
        self.addressLines = addressLines
        self.vatID = vatID
        self.companyID = companyID
        self.email = email
        self.phone = phone
    }
}
