import VigilCore

/// Renders a ``PrintedDocument`` as an A4 PDF with cairo and pango.
///
/// **Pages.** A4 portrait (595.28 x 841.89 pt), 15 mm margins. The first page opens with the seller
/// and the title, then the buyer beside the metadata; the table follows and continues on as many
/// pages as it needs, a row never split and the column headers repeated at the top of each page it
/// continues on; then the totals (kept together) and the notes. Every page has the footer and
/// "Page N of M" at the bottom; the second and later pages have the title and number at the top; a
/// draft says so in the header of every page and under it as a large diagonal watermark.
///
/// **Text.** DejaVu Sans, through fontconfig; characters it lacks come from fontconfig's fallback
/// (Chinese, Japanese and Korean from Noto Sans CJK when fonts-noto-cjk is installed; without it
/// they print as boxes). The fonts used are embedded as subsets, and the text is real text: it can
/// be selected, searched and extracted (`pdftotext`). Document text is never read as markup, and
/// control characters print escaped (`\n`, `\x1b`).
///
/// **Threads.** Rendering is synchronous, CPU-bound C work (a few tens of milliseconds for a page or
/// two): call it from a thread made for blocking work (a ``VigilCore/WorkerPool``), not from a task on
/// the cooperative pool. Renders on different threads run at the same time: each has its own cairo
/// surface and context and its own pango font map and context, and the state the libraries share
/// (fontconfig's configuration, cairo's and FreeType's font caches) is theirs to lock.
package struct PDFRenderer: Sendable {
    /// The font family of all text.
    static let fontFamily = "DejaVu Sans"

    package init() {}

    /// The document as a PDF file's bytes.
    ///
    /// Throws ``DocumentRenderError`` when a table row has a wrong number of cells, when the first
    /// page's header or the footer is taller than a page allows, when DejaVu Sans is not installed, or
    /// when cairo fails (out of memory).
    package func render(_ document: PrintedDocument) throws -> [UInt8] {
        let columns = document.table.columns.count
        for (index, row) in document.table.rows.enumerated() where row.count != columns {
            throw DocumentRenderError.rowWidth(row: index, cells: row.count, columns: columns)
        }
        let geometry = PageGeometry.a4
        let surface = try PDFSurface(width: geometry.width, height: geometry.height)
        let title = [document.title, document.number].compactMap { $0 }.joined(separator: " ")
        surface.setMetadata(title: title.escapingControlCharacters(), creator: "Vigil")
        try draw(document, geometry: geometry, on: surface)
        return try surface.finish()
    }

    /// Lays the document out and draws every page; the drawing context is released on return, before
    /// the surface is finished.
    private func draw(_ document: PrintedDocument, geometry: PageGeometry, on surface: PDFSurface) throws {
        let canvas = try PDFCanvas(surface: surface)
        let context = try TextContext(canvas: canvas, family: Self.fontFamily, language: document.language)
        let frame = try PageFrame(document: document, context: context, geometry: geometry)
        let paginator = Paginator(firstTop: frame.firstBodyTop, laterTop: frame.laterBodyTop, bottom: frame.bodyBottom)
        let blocks = try DocumentBody(
            document: document, context: context, geometry: geometry, pageBodyHeight: paginator.bottom - paginator.laterTop
        ).blocks()
        let pages = paginator.paginate(blocks)
        for (index, page) in pages.enumerated() {
            frame.drawBackground(on: canvas)
            for placement in page {
                let block = blocks[placement.block]
                let drawn = placement.repeated.map { block.repeatedAfterBreak[$0] } ?? block
                drawn.draw(canvas, placement.top)
            }
            frame.drawForeground(page: index + 1, of: pages.count, on: canvas)
            canvas.showPage()
        }
        try canvas.check()
    }
}
