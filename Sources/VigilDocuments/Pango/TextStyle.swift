/// How a run of text is set: size, weight and colour, in the document's one font family.
struct TextStyle: Sendable, Equatable {
    /// The font size in points.
    var size: Double
    var bold: Bool = false
    var color: InkColor = .text

    /// Table cells, details, metadata.
    static let body = TextStyle(size: 8.5)
    /// Column headers.
    static let columnHeader = TextStyle(size: 8, bold: true)
    /// Headings and labels over blocks, in grey.
    static let label = TextStyle(size: 7.5, color: .muted)
    /// The footer and the page number.
    static let footer = TextStyle(size: 7, color: .muted)
    /// A seller's or buyer's name.
    static let name = TextStyle(size: 10.5, bold: true)
    /// The document's title on the first page.
    static let title = TextStyle(size: 22, bold: true)
    /// The document's number under the title.
    static let number = TextStyle(size: 10.5)
    /// "DRAFT" in the header of every page of a draft.
    static let draftMark = TextStyle(size: 12, bold: true, color: .draft)
    /// The running header of the second and later pages.
    static let runningHeader = TextStyle(size: 8.5, bold: true, color: .muted)
    /// A totals row.
    static let total = TextStyle(size: 9)
    /// The last totals row: the amount to pay.
    static let grandTotal = TextStyle(size: 11, bold: true)
    /// Notes paragraphs.
    static let note = TextStyle(size: 8.5)
    /// The draft watermark (drawn as a shape, scaled to the page).
    static let watermark = TextStyle(size: 120, bold: true, color: .watermark)
}
