import CCairo
import VigilCore

/// A piece of text laid out by pango in one style: wrapped to a width, aligned, cut to a number of
/// lines, measured, then drawn. Owns its `PangoLayout` (released in `deinit`); not thread-safe.
///
/// Text is always set as plain text (`pango_layout_set_text`), never as markup, and with its control
/// characters escaped (``Swift/StringProtocol/escapingControlCharacters()``): `<b>` prints as `<b>`,
/// a line feed as `\n`.
final class TextLayout {
    /// The `PangoLayout`.
    private let handle: OpaquePointer
    /// Held so that the pango context (and its font map) outlives the layout made from it.
    private let context: TextContext
    /// The colour the text is drawn in.
    let color: InkColor

    /// A layout of `text` in `style`.
    ///
    /// - Parameters:
    ///   - width: the width in points to wrap and align in (at word boundaries, inside a word when it
    ///     must); nil: one line per paragraph, as wide as it is.
    ///   - maximumLines: the most lines each paragraph takes; the last one shown ends in an ellipsis.
    ///     Nil: no limit. Needs a width.
    convenience init(
        _ text: String, style: TextStyle, context: TextContext, width: Double? = nil, alignment: ColumnAlignment = .leading,
        maximumLines: Int? = nil
    ) {
        self.init(
            escaped: [text.escapingControlCharacters()], style: style, context: context, width: width, alignment: alignment,
            maximumLines: maximumLines)
    }

    /// Lines of text, one paragraph each; `maximumLinesEach` limits each line's paragraph.
    convenience init(
        lines: [String], style: TextStyle, context: TextContext, width: Double? = nil, alignment: ColumnAlignment = .leading,
        maximumLinesEach: Int? = nil
    ) {
        self.init(
            escaped: lines.map { $0.escapingControlCharacters() }, style: style, context: context, width: width, alignment: alignment,
            maximumLines: maximumLinesEach)
    }

    /// The layout of `paragraphs`, whose control characters are already escaped, joined by line feeds
    /// (the only ones in the text).
    private init(
        escaped paragraphs: [String], style: TextStyle, context: TextContext, width: Double?, alignment: ColumnAlignment, maximumLines: Int?
    ) {
        let layout = pango_layout_new(context.handle)!
        let description = context.fontDescription(style)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        if let width {
            pango_layout_set_width(layout, Int32((width * Double(PANGO_SCALE)).rounded(.down)))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
            switch alignment {
            case .leading: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
            case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
            case .trailing: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
            }
            if let maximumLines {
                pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END)
                pango_layout_set_height(layout, -Int32(max(1, maximumLines)))
            }
        }
        let shown = maximumLines == nil || width == nil ? paragraphs : paragraphs.map { Self.visiblePart(of: $0, in: layout) }
        pango_layout_set_text(layout, shown.joined(separator: "\n"), -1)
        self.handle = layout
        self.context = context
        self.color = style.color
    }

    /// What of `paragraph` `layout` shows within its lines: the paragraph itself when it fits, else
    /// its longest beginning that fits followed by "…".
    ///
    /// pango would cut the text itself (`PANGO_ELLIPSIZE_END`), but its ellipsis glyph stands for all
    /// the text it hides, and cairo writes that text into the PDF behind the glyph: a reader would
    /// copy, search and extract text that the page does not show. Cutting the text here keeps the
    /// PDF's text what the page shows.
    private static func visiblePart(of paragraph: String, in layout: OpaquePointer) -> String {
        func isCut(_ text: String) -> Bool {
            pango_layout_set_text(layout, text, -1)
            return pango_layout_is_ellipsized(layout) != 0
        }
        guard isCut(paragraph) else { return paragraph }
        let characters = Array(paragraph)
        func shortened(_ count: Int) -> String {
            var beginning = characters[..<count]
            while beginning.last?.isWhitespace == true { beginning = beginning.dropLast() }
            return String(beginning) + "…"
        }
        // Binary search for the longest beginning that fits with its ellipsis.
        var fitting = 0
        var tooLong = characters.count
        while tooLong - fitting > 1 {
            let middle = (fitting + tooLong) / 2
            if isCut(shortened(middle)) { tooLong = middle } else { fitting = middle }
        }
        return shortened(fitting)
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(handle))
    }

    /// The logical width of the text in points (not the wrapping width).
    var width: Double { logicalRectangle.width }

    /// The logical height in points: every line, with line gaps.
    var height: Double { logicalRectangle.height }

    private var logicalRectangle: (width: Double, height: Double) {
        var logical = PangoRectangle()
        pango_layout_get_extents(handle, nil, &logical)
        return (Double(logical.width) / Double(PANGO_SCALE), Double(logical.height) / Double(PANGO_SCALE))
    }

    /// Where each line sits, top to bottom.
    private(set) lazy var lines: [LineMetrics] = measureLines()

    private func measureLines() -> [LineMetrics] {
        var result: [LineMetrics] = []
        let iterator = pango_layout_get_iter(handle)!
        defer { pango_layout_iter_free(iterator) }
        repeat {
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iterator, nil, &logical)
            let scale = Double(PANGO_SCALE)
            result.append(
                LineMetrics(
                    top: Double(logical.y) / scale, height: Double(logical.height) / scale,
                    baseline: Double(pango_layout_iter_get_baseline(iterator)) / scale, x: Double(logical.x) / scale))
        } while pango_layout_iter_next_line(iterator) != 0
        return result
    }

    /// Draws the whole text with its top left corner at (`x`, `y`).
    func draw(on canvas: PDFCanvas, x: Double, y: Double) {
        canvas.setColor(color)
        cairo_move_to(canvas.handle, x, y)
        pango_cairo_show_layout(canvas.handle, handle)
    }

    /// Draws line `index` (from 0) alone, the top of its logical box at `y`; the layout's left edge is `x`.
    func drawLine(_ index: Int, on canvas: PDFCanvas, x: Double, y: Double) {
        guard let line = pango_layout_get_line_readonly(handle, Int32(index)) else { return }
        let metrics = lines[index]
        canvas.setColor(color)
        cairo_move_to(canvas.handle, x + metrics.x, y + metrics.baseline - metrics.top)
        pango_cairo_show_layout_line(canvas.handle, line)
    }

    /// Fills the text's outline with its colour, its top left corner at the current origin: a shape,
    /// not text, so it is not extracted or searched with the page's text.
    func fillOutline(on canvas: PDFCanvas, x: Double, y: Double) {
        canvas.setColor(color)
        cairo_move_to(canvas.handle, x, y)
        pango_cairo_layout_path(canvas.handle, handle)
        cairo_fill(canvas.handle)
    }
}
