/// A document to print (an invoice, a credit note), as plain values in reading order: what it says,
/// not how it looks. ``PDFRenderer`` lays it out on A4 pages.
///
/// Every text here may come from a client or an operator and is printed as it is, never read as
/// markup; control characters are printed escaped (`\n`, `\x1b`), so a line break in a name shows
/// as `\n` and cannot forge a line. Amounts and dates are text the caller has already formatted: the
/// renderer does no arithmetic and no rounding.
package struct PrintedDocument: Sendable, Equatable {
    /// The kind of document, printed large at the top of the first page and in the running header of
    /// the others: "Invoice", "Credit note".
    package var title: String
    /// The document's number, after the title; nil for a draft that has none yet.
    package var number: String?
    /// Whether the document is a draft: then every page says ``DocumentLabels/draft`` in its header and
    /// carries it as a large diagonal watermark (drawn as a shape, so it is not part of the text).
    package var draft: Bool
    /// Who issues the document: top left of the first page.
    package var seller: DocumentParty
    /// Who receives it: under the seller, headed ``DocumentLabels/buyer``.
    package var buyer: DocumentParty
    /// Label and value rows beside the buyer (issue date, due date, period, currency, exchange rate),
    /// in this order. They stay on the first page: keep them few (a dozen fits).
    package var metadata: [DocumentField]
    /// The lines of the document; continues over as many pages as it needs.
    package var table: DocumentTable
    /// Label and amount rows under the table, right-aligned; the last one (the total to pay) is
    /// printed larger and bold. Kept together on one page.
    package var totals: [DocumentTotal]
    /// Paragraphs printed after the totals, in order, each wrapped to the page width (and split across
    /// pages when long).
    package var notes: [String]
    /// Lines printed small at the bottom of every page (seller details, payment instructions), beside
    /// "Page N of M". A line longer than the footer wraps once, then ends in an ellipsis.
    package var footer: [String]
    /// The words the renderer adds around the data (headings, "Page N of M"); English by default.
    package var labels: DocumentLabels
    /// The document's language as a BCP 47 tag ("en", "de", "zh-CN"): it picks among the glyph forms
    /// of characters that several languages share, such as Han characters in Chinese or Japanese.
    /// Default "en".
    package var language: String

    package init(
        title: String, number: String?, draft: Bool, seller: DocumentParty, buyer: DocumentParty,
        metadata: [DocumentField] = [], table: DocumentTable = DocumentTable(columns: [], rows: []),
        totals: [DocumentTotal] = [], notes: [String] = [], footer: [String] = [], labels: DocumentLabels = DocumentLabels(),
        language: String = "en"
    ) {
        self.title = title
        self.number = number
        self.draft = draft
        self.seller = seller
        self.buyer = buyer
        self.metadata = metadata
        self.table = table
        self.totals = totals
        self.notes = notes
        self.footer = footer
        self.labels = labels
        self.language = language
    }
}
