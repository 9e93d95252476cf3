/// The fixed words a rendered document adds around its data, so a caller can print them in the
/// client's language. The defaults are English.
package struct DocumentLabels: Sendable, Equatable {
    /// Above the buyer: default "Bill to".
    package var buyer: String
    /// Before the document's number: default "No.".
    package var number: String
    /// Before a VAT identification number: default "VAT ID".
    package var vatID: String
    /// Before a company registration number: default "Company ID".
    package var companyID: String
    /// Before an email address: default "Email".
    package var email: String
    /// Before a telephone number: default "Phone".
    package var phone: String
    /// On every page of a draft, in its header and as the watermark: default "DRAFT".
    package var draft: String
    /// At the bottom right of every page, with `{page}` and `{pages}` replaced by the page's number
    /// and the count of pages: default "Page {page} of {pages}".
    package var pageNumber: String

    package init(
        buyer: String = "Bill to", number: String = "No.", vatID: String = "VAT ID", companyID: String = "Company ID",
        email: String = "Email", phone: String = "Phone", draft: String = "DRAFT", pageNumber: String = "Page {page} of {pages}"
    ) {
        self.buyer = buyer
        self.number = number
        self.vatID = vatID
        self.companyID = companyID
        self.email = email
        self.phone = phone
        self.draft = draft
        self.pageNumber = pageNumber
    }

    /// ``pageNumber`` for page `page` (from 1) of `pages`.
    func pageNumber(_ page: Int, of pages: Int) -> String {
        pageNumber.replacing("{page}", with: String(page)).replacing("{pages}", with: String(pages))
    }
}
