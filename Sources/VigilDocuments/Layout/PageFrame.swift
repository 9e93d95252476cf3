import Foundation

/// What every page of a document carries around its body: the footer and "Page N of M" at the
/// bottom, the running header on the second and later pages, and a draft's watermark. Says where
/// the body may go.
final class PageFrame {
    private let document: PrintedDocument
    private let context: TextContext
    private let geometry: PageGeometry
    private let footer: TextLayout
    private let footerTop: Double
    private let runningTitle: TextLayout
    private let runningDraftMark: TextLayout?
    private let runningHeaderHeight: Double
    private let watermark: TextLayout?
    /// Room kept right of the footer for the page number.
    private let pageNumberWidth: Double

    /// The top of the body on the first page.
    var firstBodyTop: Double { geometry.margin }
    /// The top of the body on the second and later pages, under the running header.
    var laterBodyTop: Double { geometry.margin + runningHeaderHeight + 14 }
    /// The bottom of the body on every page, above the footer.
    var bodyBottom: Double { footerTop - 14 }

    /// Lays out the frame of `document`'s pages. Throws if its footer would take more than a
    /// quarter of the page.
    init(document: PrintedDocument, context: TextContext, geometry: PageGeometry) throws {
        self.document = document
        self.context = context
        self.geometry = geometry
        let widestPageNumber = TextLayout(document.labels.pageNumber(888, of: 888), style: .footer, context: context)
        pageNumberWidth = widestPageNumber.width
        footer = TextLayout(
            lines: document.footer, style: .footer, context: context, width: geometry.contentWidth - pageNumberWidth - 16,
            maximumLinesEach: 2)
        let footerHeight = max(footer.height, widestPageNumber.height)
        guard footerHeight <= geometry.height / 4 else { throw DocumentRenderError.tooTall(part: "footer") }
        footerTop = geometry.height - geometry.margin - footerHeight
        let title = [document.title, document.number].compactMap { $0 }.joined(separator: " ")
        runningTitle = TextLayout(
            title, style: .runningHeader, context: context, width: geometry.contentWidth * 0.7, maximumLines: 1)
        runningDraftMark =
            document.draft
            ? TextLayout(
                document.labels.draft, style: TextStyle(size: 9, bold: true, color: .draft), context: context,
                width: geometry.contentWidth * 0.25, alignment: .trailing, maximumLines: 1) : nil
        runningHeaderHeight = max(runningTitle.height, runningDraftMark?.height ?? 0)
        watermark = document.draft ? TextLayout(document.labels.draft, style: .watermark, context: context) : nil
    }

    /// Draws what goes under the body of every page: a draft's watermark, across the page from
    /// bottom left to top right, as a shape (not text, so the page's text reads as without it).
    func drawBackground(on canvas: PDFCanvas) {
        guard let watermark, watermark.width > 0 else { return }
        let diagonal = (geometry.width * geometry.width + geometry.height * geometry.height).squareRoot()
        let scale = min(1, diagonal * 0.7 / watermark.width, geometry.width * 0.5 / watermark.height)
        canvas.withTransform(
            x: geometry.width / 2, y: geometry.height / 2, angle: -atan2(geometry.height, geometry.width), scale: scale
        ) {
            watermark.fillOutline(on: canvas, x: -watermark.width / 2, y: -watermark.height / 2)
        }
    }

    /// Draws what goes over the body of page `page` (from 1) of `pages`: the running header from the
    /// second page on, and the footer with the page number on all.
    func drawForeground(page: Int, of pages: Int, on canvas: PDFCanvas) {
        if page > 1 {
            runningTitle.draw(on: canvas, x: geometry.left, y: geometry.margin)
            if let runningDraftMark {
                runningDraftMark.draw(on: canvas, x: geometry.right - geometry.contentWidth * 0.25, y: geometry.margin)
            }
            canvas.setColor(.hairline)
            canvas.horizontalRule(x: geometry.left, y: geometry.margin + runningHeaderHeight + 5, length: geometry.contentWidth, width: 0.5)
        }
        canvas.setColor(.hairline)
        canvas.horizontalRule(x: geometry.left, y: footerTop - 6, length: geometry.contentWidth, width: 0.5)
        footer.draw(on: canvas, x: geometry.left, y: footerTop)
        let number = TextLayout(
            document.labels.pageNumber(page, of: pages), style: .footer, context: context, width: pageNumberWidth + 16,
            alignment: .trailing, maximumLines: 1)
        number.draw(on: canvas, x: geometry.right - pageNumberWidth - 16, y: footerTop)
    }
}
