/// A piece of a document's body that is never split across pages (a table row, a line of a note, the
/// first page's header): its height and how to draw it at a given top.
struct FlowBlock {
    /// The height in points.
    var height: Double
    /// Space above it, in points, unless it starts a page.
    var spaceBefore: Double = 0
    /// Whether it goes on the page of the block after it: a table's header with its first row,
    /// totals together. Ignored when the blocks kept together do not fit on one page.
    var keepWithNext = false
    /// Blocks drawn at the top of a new page before this one when this one starts that page: the
    /// table's header before a row.
    var repeatedAfterBreak: [FlowBlock] = []
    /// Draws the block with its top at the given y on the canvas.
    var draw: (PDFCanvas, _ top: Double) -> Void
}
